@testable import ReaderModels

/// Three-way merge of note text. The input is three texts, base, a and b, separated by
/// 0xFF bytes (never part of UTF-8). The merge never traps, and every line a or b added
/// (one absent from base, compared byte for byte) is in the result: a merge may keep both
/// versions of a region, but never loses what someone wrote. Swapping a and b gives the
/// same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let texts = FuzzInput.parts(FuzzInput.bytes(data, size), separator: 0xFF, count: 3)
        .map { String(decoding: $0, as: UTF8.self) }
    let (base, a, b) = (texts[0], texts[1], texts[2])
    let merged = TextMerge.merge(base: base, a, b)
    let baseLines = Set(lines(base))
    let resultLines = Set(lines(merged.text))
    for line in lines(a) + lines(b) where !baseLines.contains(line) && !resultLines.contains(line) {
        violated("the line \(line) was lost merging base \(base.debugDescription), a \(a.debugDescription), b \(b.debugDescription) into \(merged.text.debugDescription)")
    }
    if !TextMerge.merge(base: base, b, a).text.utf8.elementsEqual(merged.text.utf8) { violated("the merge is not symmetric for base \(base.debugDescription), a \(a.debugDescription), b \(b.debugDescription)") }
    return 0
}

/// A text's lines as bytes, so lines that are canonically equivalent Unicode but written
/// differently count as different, as they do once stored.
private func lines(_ text: String) -> [[UInt8]] {
    text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
}
