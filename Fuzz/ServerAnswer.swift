import Foundation
@testable import ReaderModels

/// What a device reads from a server: a change page (`GET /v1/changes`), a push answer, an
/// error body and `/v1/me`, each decoded and checked as the sync engine does. The first
/// byte picks which; what decodes must come back the same through JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let body = Data(bytes: data + 1, count: size - 1)
    switch data[0] % 4 {
    case 0:
        guard let page = roundTrip(ChangePage.self, body) else { return 0 }
        _ = try? page.check()
    case 1:
        guard let answer = roundTrip(PushResponse.self, body) else { return 0 }
        _ = try? answer.check()
    case 2:
        _ = roundTrip(APIErrorEnvelope.self, body)
    default:
        _ = roundTrip(WhoAmI.self, body)
    }
    return 0
}

/// The value `body` decodes to, after checking that it encodes and decodes back to itself.
private func roundTrip<Value: Codable & Equatable>(_ type: Value.Type, _ body: Data) -> Value? {
    guard let value = try? JSONDecoder().decode(type, from: body) else { return nil }
    guard let encoded = try? JSONEncoder().encode(value) else { violated("a decoded \(type) does not encode: \(value)") }
    guard let again = try? JSONDecoder().decode(type, from: encoded) else {
        violated("an encoded \(type) does not decode: \(String(decoding: encoded, as: UTF8.self))")
    }
    if again != value { violated("a \(type) changed on its way through JSON: \(value) became \(again)") }
    return value
}
