extension ArticleWriter {
    /// The ids of the articles saved in one transaction, for finding a draft repeated in it.
    ///
    /// An article id is 16 lowercase hex digits (`Fingerprint.articleID`); such an id is kept
    /// as the 64-bit number it spells, because a 16-byte String is a heap object: a
    /// 100,000-article import held 12.6 MB of ids and their set (heaptrack), 2 MB this way.
    /// Lowercase digits only, so no two ids map to one number; any other id is kept as text.
    struct SavedIDs {
        private var numbers: Set<UInt64> = []
        private var others: Set<String> = []

        /// Adds `id`; false when it was there already.
        mutating func insert(_ id: String) -> Bool {
            if let number = Self.number(id) { return numbers.insert(number).inserted }
            return others.insert(id).inserted
        }

        static func number(_ id: String) -> UInt64? {
            guard id.utf8.count == 16 else { return nil }
            var value: UInt64 = 0
            for byte in id.utf8 {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt64(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt64(byte - UInt8(ascii: "a") + 10)
                default: return nil
                }
            }
            return value
        }
    }
}
