import GRDB

extension Database {
    /// Whether the query `SELECT 1 FROM …` finds a row.
    func exists(_ fromClause: String, _ arguments: StatementArguments) throws -> Bool {
        try Bool.fetchOne(self, sql: "SELECT EXISTS (SELECT 1 FROM \(fromClause))", arguments: arguments) ?? false
    }
}
