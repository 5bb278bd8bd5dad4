import Foundation
import ReaderModels
import Testing

@Suite struct APIErrorCodeTests {
    @Test func knownCodesRoundTripTheirSpelling() throws {
        for code in APIErrorCode.allCases {
            let data = try JSONEncoder().encode(code)
            #expect(try JSONDecoder().decode(APIErrorCode.self, from: data) == code)
            #expect(APIErrorCode(code: code.rawValue) == code)
        }
        #expect(APIErrorCode.internalError.rawValue == "internal")
    }

    /// A newer server's code keeps the answer readable instead of failing its decoding.
    @Test func anUnknownCodeIsKeptAsOtherWithItsSpelling() throws {
        let body = Data(#"{"code": "quota_exceeded", "message": "over quota"}"#.utf8)
        let decoded = try JSONDecoder().decode(APIErrorBody.self, from: body)
        #expect(decoded.code == .other("quota_exceeded"))
        #expect(decoded.message == "over quota")
        let again = try JSONDecoder().decode(APIErrorBody.self, from: JSONEncoder().encode(decoded))
        #expect(again.code.rawValue == "quota_exceeded")
        #expect(!APIErrorCode.allCases.contains(.other("quota_exceeded")))
    }
}
