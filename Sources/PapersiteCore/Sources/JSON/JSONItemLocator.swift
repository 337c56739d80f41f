import Foundation

/// The items of a JSON document's list of records: where each starts (line
/// and column), so that a warning about one record names its place, as the
/// other readers' do (Foundation's parser gives values without positions);
/// and its bytes, so that each item can be parsed by itself.
///
/// The list is the top-level array, or the array under `"items"` in a
/// top-level object (as some exporters wrap it). Hand-written: a scan of
/// strings and brackets, which checks the list's own commas and brackets;
/// the items, and the document around the list, are left to Foundation.
enum JSONItemLocator {
    struct Items {
        var starts: [(line: Int, column: Int)] = []
        /// Each item's bytes, from its first to its last that is not white space.
        var ranges: [Range<Int>] = []
        /// The list, from its `[` to its `]`; nil if none was found whole.
        var list: Range<Int>?
        /// The list's commas and brackets are JSON's: an item between each
        /// two commas, none after the last.
        var separatorsValid = true
    }

    static func items(in bytes: [UInt8]) -> Items {
        var items = Items()
        var line = 1, lineStart = 0
        // Containers open at this point: true for an array.
        var stack: [Bool] = []
        var lastKey = ""
        var listDepth: Int?          // the depth of the records' array, once found
        var listStart = 0
        var expectingValue = false   // in the records' array, before an element
        var itemStart: Int?          // in the records' array, inside an element
        var itemEnd = 0              // one past the element's last byte that is not white space
        func endItem() {
            if let start = itemStart { items.ranges.append(start..<itemEnd) }
            itemStart = nil
        }
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            let space = c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09
            let atList = listDepth != nil && stack.count == listDepth!
            let separator = atList && (c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}"))
            if atList && expectingValue && !space {
                if c == UInt8(ascii: ",") || c == UInt8(ascii: "]") && !items.starts.isEmpty {
                    items.separatorsValid = false      // a comma with no item before it
                } else if !separator {
                    items.starts.append((line, i - lineStart + 1))
                    itemStart = i
                    expectingValue = false
                }
            }
            if itemStart != nil && !space && !separator { itemEnd = i + 1 }
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
                if itemStart != nil { itemEnd = min(j + 1, bytes.count) }
                i = j
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                stack.append(c == UInt8(ascii: "["))
                if listDepth == nil && c == UInt8(ascii: "[") && (stack.count == 1 || (stack.count == 2 && stack[0] == false && lastKey == "items")) {
                    listDepth = stack.count
                    listStart = i
                    expectingValue = true
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if stack.count == listDepth {
                    endItem()
                    if c == UInt8(ascii: "]") { items.list = listStart..<(i + 1) }
                    return items
                }
                // (A bracket closing nothing: not JSON, which the whole document's parse will say.)
                guard !stack.isEmpty else { items.separatorsValid = false; return items }
                stack.removeLast()
            case UInt8(ascii: ","):
                if stack.count == listDepth {
                    endItem()
                    expectingValue = true
                }
            default:
                break
            }
            i += 1
        }
        return items
    }
}
