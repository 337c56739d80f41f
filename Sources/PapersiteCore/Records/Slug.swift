import Foundation

/// URL slugs: lowercase ASCII letters, digits and single hyphens.
public enum Slug {
    /// `Vision Transformers: A Survey` → `vision-transformers-a-survey`.
    /// Accents are folded (`Schrödinger` → `schrodinger`); other scripts are
    /// dropped, and an empty result becomes `untitled`. Long slugs are cut at
    /// a word boundary near `maxLength`.
    public static func make(_ text: String, maxLength: Int = 80) -> String {
        // ICU's transform is slow; most titles are ASCII already.
        let folded = text.utf8.allSatisfy({ $0 < 0x80 }) ? text : (text.applyingTransform(.stripDiacritics, reverse: false) ?? text)
        // The slug is ASCII whatever the title: made as bytes (grown as a
        // String scalar by scalar, it took about 5 µs a title).
        var out: [UInt8] = []
        out.reserveCapacity(folded.utf8.count)
        var pendingHyphen = false
        func append(_ bytes: some Sequence<UInt8>) {
            if pendingHyphen && !out.isEmpty { out.append(UInt8(ascii: "-")) }
            pendingHyphen = false
            out.append(contentsOf: bytes)
        }
        for scalar in folded.unicodeScalars {
            let v = scalar.value
            if (v >= 48 && v <= 57) || (v >= 97 && v <= 122) {
                append(CollectionOfOne(UInt8(v)))
            } else if v >= 65 && v <= 90 {
                append(CollectionOfOne(UInt8(v + 32)))
            } else if scalar == "+" {
                append("plus".utf8)
            } else if scalar == "ß" {
                append("ss".utf8)
            } else if scalar == "'" || scalar == "’" {
                continue  // "Don't" → "dont"
            } else {
                pendingHyphen = true
            }
        }
        if out.count > maxLength {
            let cut = out[..<maxLength]
            if let lastHyphen = cut.lastIndex(of: UInt8(ascii: "-")), lastHyphen > maxLength / 2 {
                out.removeSubrange(lastHyphen...)
            } else {
                out.removeSubrange(maxLength...)
            }
        }
        return out.isEmpty ? "untitled" : String(decoding: out, as: UTF8.self)
    }

    /// Like `make`, but a text with no Latin letters or digits (`機械学習`)
    /// gets a short stable hash instead of `untitled`, so that two such
    /// tags never share a page.
    public static func makeDistinct(_ text: String, prefix: String) -> String {
        let slug = make(text)
        guard slug == "untitled" else { return slug }
        var hash: UInt64 = 0xcbf29ce484222325  // FNV-1a: stable across runs and platforms
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100000001b3
        }
        return prefix + "-" + String(hash, radix: 16)
    }

    /// True if `text` is already a valid slug.
    public static func isValid(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 200, !text.hasPrefix("-"), !text.hasSuffix("-") else { return false }
        return text.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 46 || $0 == 95 }
            && !text.contains("..")
    }
}
