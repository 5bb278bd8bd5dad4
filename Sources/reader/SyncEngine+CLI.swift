import Foundation
import ReaderCurl
import ReaderHTTP
import ReaderStore
import ReaderSync

extension SyncEngine {
    /// An engine over libcurl with the CLI's User-Agent.
    static func make(store: ReaderStore, url: URL, token: String, pageSize: Int = SyncConfiguration.defaultPageSize) throws -> SyncEngine {
        let client = try CurlHTTPClient(configuration: HTTPClientConfiguration(product: "reader/\(ReaderVersion.current)"))
        return SyncEngine(store: store, client: client, configuration: SyncConfiguration(serverURL: url, token: token, pageSize: pageSize))
    }
}
