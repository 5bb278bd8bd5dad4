/// Strict UTF-8 validation (no overlong forms, surrogates or values past U+10FFFF), with a
/// fast path for ASCII. Written out because `String(validating:)` needs newer Apple systems
/// than the package supports.
enum UTF8Validation {
    /// Every byte's high bit, in one word.
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var index = 0
        let count = bytes.count
        while index < count {
            // Eight ASCII bytes at a time: a feed is mostly markup and ASCII text, and a byte
            // at a time cost 8 instructions a byte (a tenth of a 50-feed refresh's parsing).
            while index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & highBits == 0 {
                index += 8
            }
            guard index < count else { break }
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            guard let (length, lower, upper) = sequence(leadBy: lead) else { return false }
            guard index + length <= count else { return false }
            let second = bytes[index + 1]
            guard second >= lower && second <= upper else { return false }
            for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 { return false }
            index += length
        }
        return true
    }

    /// The length of the sequence a non-ASCII `lead` byte starts, and the range its second
    /// byte must fall in (the later ones are 0x80...0xBF); nil when `lead` starts none.
    @inline(__always)
    static func sequence(leadBy lead: UInt8) -> (length: Int, lower: UInt8, upper: UInt8)? {
        switch lead {
        case 0xC2...0xDF: (2, 0x80, 0xBF)
        case 0xE0: (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80, 0xBF)
        case 0xED: (3, 0x80, 0x9F)
        case 0xF0: (4, 0x90, 0xBF)
        case 0xF1...0xF3: (4, 0x80, 0xBF)
        case 0xF4: (4, 0x80, 0x8F)
        default: nil
        }
    }
}
