import Foundation
@testable import ReaderFeeds

/// The HTML sanitiser every article's content goes through. Whatever comes in, every tag
/// that comes out is an allowed element with allowed attributes, and every URL attribute is
/// a safe URL. The output is read back here on its own terms: the sanitiser writes text `<`
/// and `&` as entities and each attribute as `name="value"` with `& < > "` escaped, so a
/// `<` in the output is a tag and the four entities are the only ones in a value.
/// The first line of the input is the base URL of relative links.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let parts = FuzzInput.parts(FuzzInput.bytes(data, size), separator: 0x0A, count: 2)
    let base = parts[0].isEmpty ? nil : String(decoding: parts[0], as: UTF8.self)
    let (html, _) = HTMLText.sanitize(String(decoding: parts[1], as: UTF8.self), baseURL: base)
    var output = SanitizedHTML(Array(html.utf8))
    output.check()
    return 0
}

/// A reader of the sanitiser's output that fails the run on anything unsafe in it.
private struct SanitizedHTML {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func check() {
        while index < bytes.count {
            if bytes[index] == 0x3C { tag() } else { index += 1 }
        }
    }

    private mutating func tag() {
        index += 1
        let closing = index < bytes.count && bytes[index] == 0x2F
        if closing { index += 1 }
        let name = word { $0 != 0x20 && $0 != 0x3E }
        if !HTMLPolicy.allowed.contains(name) { violated("element <\(name)> in \(text)") }
        while index < bytes.count, bytes[index] == 0x20 {
            index += 1
            let attribute = word { $0 != 0x3D && $0 != 0x20 && $0 != 0x3E }
            if closing || !HTMLPolicy.keepsAttribute(attribute) { violated("attribute \(attribute) in \(text)") }
            guard index < bytes.count, bytes[index] == 0x3D else { continue }
            guard index + 1 < bytes.count, bytes[index + 1] == 0x22 else { violated("an unquoted value in \(text)") }
            index += 2
            var value: [UInt8] = []
            while index < bytes.count, bytes[index] != 0x22 {
                if bytes[index] == 0x3C || bytes[index] == 0x3E { violated("a raw < or > in a value in \(text)") }
                value.append(bytes[index])
                index += 1
            }
            index += 1
            let decoded = Self.unescaped(value)
            if HTMLPolicy.urlAttributes.contains(attribute), !HTMLPolicy.isSafeURL(decoded) {
                violated("unsafe URL \(String(decoding: decoded, as: UTF8.self)) in \(text)")
            }
        }
        guard index < bytes.count, bytes[index] == 0x3E else { violated("a tag that does not end with > in \(text)") }
        index += 1
    }

    private mutating func word(while isPart: (UInt8) -> Bool) -> String {
        let start = index
        while index < bytes.count, isPart(bytes[index]) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private var text: String { String(decoding: bytes, as: UTF8.self) }

    /// A value as a browser reads it: the four entities the sanitiser writes, decoded.
    private static func unescaped(_ value: [UInt8]) -> [UInt8] {
        var text = String(decoding: value, as: UTF8.self)
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return Array(text.utf8)
    }
}
