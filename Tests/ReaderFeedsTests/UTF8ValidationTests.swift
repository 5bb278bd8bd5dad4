@testable import ReaderFeeds
import Testing

@Suite struct UTF8ValidationTests {
    private func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer(UTF8Validation.isValid)
    }

    /// What the standard library's decoder says: the bytes are valid when decoding them
    /// repairs nothing, so they come back unchanged.
    private func decodes(_ bytes: [UInt8]) -> Bool {
        Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes
    }

    @Test func acceptsEmptyASCIIAndMultibyteText() {
        #expect(isValid([]))
        #expect(isValid(Array("plain ASCII, longer than one eight-byte word".utf8)))
        #expect(isValid(Array("Café, Ŝtono, 東京, 🙂 and more".utf8)))
    }

    @Test func refusesEveryKindOfBadSequence() {
        #expect(!isValid([0x80]))  // a continuation byte with no lead
        #expect(!isValid([0xC0, 0xAF]))  // overlong
        #expect(!isValid([0xE0, 0x80, 0xAF]))  // overlong, three bytes
        #expect(!isValid([0xED, 0xA0, 0x80]))  // a surrogate
        #expect(!isValid([0xF4, 0x90, 0x80, 0x80]))  // past U+10FFFF
        #expect(!isValid([0xE6, 0x9D]))  // cut short
        #expect(!isValid([0xFF]))
    }

    /// The word-at-a-time path must see a bad or non-ASCII byte wherever it falls: before,
    /// inside and after a word, and in the tail shorter than a word.
    @Test func findsEveryByteWhereverItFallsInAWord() {
        let insertions: [[UInt8]] = [[0xC3, 0xA9], [0xF0, 0x9F, 0x99, 0x82], [0x80], [0xC3], [0xED, 0xA0, 0x80], [0xFE]]
        for length in 0...24 {
            for position in 0...length {
                for insertion in insertions {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes.insert(contentsOf: insertion, at: position)
                    #expect(isValid(bytes) == decodes(bytes), "\(insertion) at \(position) of \(length)")
                }
            }
        }
    }
}
