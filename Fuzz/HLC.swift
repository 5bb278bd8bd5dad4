@testable import ReaderModels

/// Clock stamps as they arrive in pushes and pages. A stamp that parses has exactly one text
/// form, the one it was parsed from, and a clock that receives it never goes backwards.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let stamp = HLC(text) else { return 0 }
    if stamp.description != text { violated("\(text) parses to \(stamp), whose text is \(stamp.description)") }
    if HLC(stamp.description) != stamp { violated("\(stamp.description) does not parse back") }
    for wallMillis: Int64 in [0, 1_764_108_000_000, stamp.wallMillis, HLC.maxWallMillis, .max, .min] {
        var clock = HybridClock(node: "fuzz", last: HLC(wallMillis: 1_764_108_000_000, counter: 0xFFFF, node: "fuzz"))
        let before = clock.last
        guard let after = try? clock.receive(stamp, wallMillis: wallMillis) else { continue }
        if !(before < after) { violated("receiving \(stamp) at \(wallMillis) moved the clock from \(before) to \(after)") }
        if HLC(after.description) != after { violated("the clock made \(after), which does not parse back") }
    }
    return 0
}
