import ReaderModels

extension SyncSession {
    /// Refuses a pulled page or a push answer that holds a clock stamp more than
    /// `HLC.maxLeadMillis` ahead of this device's clock, before any of it is applied. A
    /// stored stamp from the far future would make every later edit of its field lose, and
    /// an adopted one would carry this device's clock there, so the whole page is refused
    /// and the transaction (with the cursor) stays as it was.
    func refuseStampsTooFarAhead(_ stamps: some Sequence<HLC>) throws(StampTooFarAhead) {
        for stamp in stamps where stamp.isTooFarAhead(of: wallMillis) {
            throw StampTooFarAhead(stamp: stamp, wallMillis: wallMillis)
        }
    }
}

extension ChangePage {
    /// Every clock stamp the page carries: its records' and the server's.
    var stamps: [HLC] {
        changes.flatMap(\.change.stamps) + [serverHLC]
    }
}

extension PushResponse {
    /// Every clock stamp the answer carries: its records' and the server's.
    var stamps: [HLC] {
        results.flatMap { $0.outcome?.stamps ?? [] } + [serverHLC]
    }
}

extension Change {
    /// The clock stamps of the record; none for content and tombstones.
    var stamps: [HLC] {
        switch self {
        case .note(let record): [record.bodyHLC] + (record.anchorHLC.map { [$0] } ?? [])
        case .articleState(let record): record.hlc.all
        case .subscription(let record): [record.hlc]
        case .source, .article, .tombstone: []
        }
    }
}

extension MutationOutcome {
    /// The clock stamps of the canonical record.
    var stamps: [HLC] {
        switch self {
        case .note(let record): Change.note(record).stamps
        case .articleState(let record): record.hlc.all
        case .subscription(let record): [record.hlc]
        case .noteDeleted: []
        }
    }
}

extension StateStamps {
    /// The stamps of the fields that have one.
    var all: [HLC] { [read, starred, progress, tags].compactMap { $0 } }
}
