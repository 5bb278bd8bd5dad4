import GRDB
@testable import ReaderServer
import Testing

/// The plan of the contents query: the asked ids lead, by the integer key, whatever the size
/// of the library (led by the library, it probed every id for every article held).
@Suite struct GReaderQueryPlanTests {
    @Test func contentsAreLookedUpByTheAskedIDsFirst() async throws {
        let server = try TestServer()
        let plan = try await server.repository.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteSyncRepository.itemsSQL(count: 3), arguments: [1, 1, 2, 3])
                .map { $0["detail"] as String }
        }
        #expect(plan.first?.hasPrefix("SEARCH g USING INTEGER PRIMARY KEY") == true, "\(plan)")
    }
}
