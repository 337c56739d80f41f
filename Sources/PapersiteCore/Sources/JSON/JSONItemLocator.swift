import Foundation

/// Where each item of a JSON document's list of records starts (line and
/// column), so that a warning about one record names its place, as the
/// other readers' do. Foundation's parser gives values without positions.
///
/// The list is the top-level array, or the array under `"items"` in a
/// top-level object (as some exporters wrap it). Hand-written: a scan of
/// strings and brackets, run only over a document Foundation has already
/// parsed.
enum JSONItemLocator {
    static func itemStarts(in bytes: [UInt8]) -> [(line: Int, column: Int)] {
        var starts: [(line: Int, column: Int)] = []
        var line = 1, lineStart = 0
        // Containers open at this point: true for an array.
        var stack: [Bool] = []
        var lastKey = ""
        var listDepth: Int?          // the depth of the records' array, once found
        var expectingValue = false   // in the records' array, before an element
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if let depth = listDepth, stack.count == depth, expectingValue,
               c != 0x20, c != 0x0A, c != 0x0D, c != 0x09, c != UInt8(ascii: ","), c != UInt8(ascii: "]") {
                starts.append((line, i - lineStart + 1))
                expectingValue = false
            }
            switch c {
            case 0x0A:
                line += 1
                lineStart = i + 1
            case UInt8(ascii: "\""):
                // A string: a key when it is followed by ':' in an object at depth 1.
                var j = i + 1
                while j < bytes.count && bytes[j] != UInt8(ascii: "\"") {
                    if bytes[j] == UInt8(ascii: "\\") { j += 1 }
                    j += 1
                }
                if stack.count == 1 && stack[0] == false {
                    lastKey = String(decoding: bytes[(i + 1)..<min(j, bytes.count)], as: UTF8.self)
                }
                i = j
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                stack.append(c == UInt8(ascii: "["))
                if listDepth == nil && c == UInt8(ascii: "[") && (stack.count == 1 || (stack.count == 2 && stack[0] == false && lastKey == "items")) {
                    listDepth = stack.count
                    expectingValue = true
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if stack.count == listDepth { return starts }
                stack.removeLast()
            case UInt8(ascii: ","):
                if stack.count == listDepth { expectingValue = true }
            default:
                break
            }
            i += 1
        }
        return starts
    }
}
