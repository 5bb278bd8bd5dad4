import Foundation
import ReaderCurl
import ReaderHTTP
import ReaderStore
import ReaderSync

extension SyncEngine {
    /// An engine over libcurl with the CLI's User-Agent, speaking the protocol `reader
    /// login` stored for this database (native unless it logged in with `--api greader`),
    /// or `api` when given; built by ``SyncEngine/make(store:client:configuration:api:)``
    /// as an app's would be.
    static func make(
        store: ReaderStore, url: URL, token: String, pageSize: Int = SyncConfiguration.defaultPageSize, api: SyncAPI? = nil
    ) throws -> SyncEngine {
        let client = try cliClient()
        let configuration = SyncConfiguration(serverURL: url, token: token, pageSize: pageSize)
        var stored = try store.syncAPI()
        if let api { stored.api = api }
        return make(store: store, client: client, configuration: configuration, api: stored)
    }

    /// The CLI's HTTP client.
    static func cliClient() throws -> CurlHTTPClient {
        try CurlHTTPClient(configuration: HTTPClientConfiguration(product: "reader/\(ReaderVersion.current)"))
    }
}
