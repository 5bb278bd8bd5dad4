import Foundation
@testable import ReaderModels

/// A push body as the server reads it (`POST /v1/mutations`): `JSONDecoder` into the wire
/// types, then the envelope and every mutation checked against the contract. What decodes
/// must encode and decode back to the same value, or a device and the server could
/// disagree on what was pushed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let push = try? JSONDecoder().decode(PushRequest.self, from: Data(bytes: data, count: size)) else { return 0 }
    _ = push.envelopeProblem
    for mutation in push.mutations { _ = try? mutation.check() }
    guard let encoded = try? JSONEncoder().encode(push) else { violated("a decoded push does not encode: \(push)") }
    guard let again = try? JSONDecoder().decode(PushRequest.self, from: encoded) else {
        violated("an encoded push does not decode: \(String(decoding: encoded, as: UTF8.self))")
    }
    if again != push { violated("a push changed on its way through JSON: \(push) became \(again)") }
    return 0
}
