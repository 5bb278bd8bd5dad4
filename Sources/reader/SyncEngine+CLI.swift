import Foundation
import ReaderCurl
import ReaderHTTP
import ReaderStore
import ReaderSync

extension SyncEngine {
    /// An engine over libcurl with the CLI's User-Agent, speaking the protocol `reader
    /// login` stored for this database (native unless it logged in with `--api greader`),
    /// or `api` when given.
    static func make(
        store: ReaderStore, url: URL, token: String, pageSize: Int = SyncConfiguration.defaultPageSize, api: SyncAPI? = nil
    ) throws -> SyncEngine {
        let client = try cliClient()
        let configuration = SyncConfiguration(serverURL: url, token: token, pageSize: pageSize)
        let (stored, headers) = try store.syncAPI()
        switch api ?? stored {
        case .native:
            return SyncEngine(store: store, client: client, configuration: configuration)
        case .greader:
            let backend = GReaderSyncBackend(store: store, client: client, configuration: configuration, extraHeaders: headers)
            return SyncEngine(store: store, backend: backend, pushBatchSize: configuration.pushBatchSize, pageSize: pageSize)
        }
    }

    /// The CLI's HTTP client.
    static func cliClient() throws -> CurlHTTPClient {
        try CurlHTTPClient(configuration: HTTPClientConfiguration(product: "reader/\(ReaderVersion.current)"))
    }
}
