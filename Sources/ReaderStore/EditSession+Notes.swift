import Foundation
import GRDB
import ReaderModels

extension EditSession {
    mutating func addNote(articleID: String, body: String, quote: String?) throws -> Note {
        guard let text = try String.fetchOne(db, sql: "SELECT \(ArticleText.column()) FROM articles WHERE id = ?", arguments: [articleID]) else {
            throw StoreError.articleNotFound(articleID)
        }
        let quote = quote.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || quote != nil else {
            throw StoreError.emptyNote(noteID: nil)
        }
        var anchor: TextQuoteSelector?
        if let quote {
            guard let found = QuoteAnchor.find(quote, in: text) else {
                throw StoreError.quoteNotFound(quote: quote, articleID: articleID)
            }
            anchor = found
        }
        let hlc = tick()
        let note = Note(
            id: environment.makeID(), articleID: articleID, anchor: anchor, body: body,
            createdAt: Timestamp.stored(now), updatedAt: Timestamp.stored(now), revision: 0, deleted: false, conflicted: false
        )
        try db.execute(sql: """
            INSERT INTO notes (id, article_id, quote_exact, quote_prefix, quote_suffix, body, created_at,
              updated_at, body_hlc, anchor_hlc)
            VALUES (?, ?, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), ?, ?, ?, ?)
            """, arguments: [
                note.id, articleID, ExactText.argument(anchor?.exact), ExactText.argument(anchor?.prefix),
                ExactText.argument(anchor?.suffix), ExactText.argument(body), nowText,
                nowText, hlc.description, anchor == nil ? nil : hlc.description,
            ])
        var fields: JSONObject = ["article_id": .string(articleID), "body": .string(body), "created_at": .string(nowText)]
        if let anchor {
            fields["anchor"] = .object(["exact": .string(anchor.exact), "prefix": .string(anchor.prefix), "suffix": .string(anchor.suffix)])
        } else {
            fields["anchor"] = .null
        }
        try record(.note, note.id, op: .create, baseRevision: nil, fields: fields, hlc: hlc)
        return note
    }

    mutating func editNote(id: String, body: String) throws -> Note {
        guard var note = try Note.fetchLive(db, id: id) else { throw StoreError.noteNotFound(id) }
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || note.anchor != nil else {
            throw StoreError.emptyNote(noteID: id)
        }
        let hlc = tick()
        note.body = body
        note.updatedAt = Timestamp.stored(now)
        note.conflicted = false
        try db.execute(
            sql: "UPDATE notes SET body = CAST(? AS TEXT), updated_at = ?, body_hlc = ?, conflicted = 0 WHERE id = ?",
            arguments: [ExactText.argument(body), nowText, hlc.description, id]
        )
        try record(.note, id, op: .update, baseRevision: note.revision, fields: ["body": .string(body)], hlc: hlc)
        return note
    }

    mutating func deleteNote(id: String) throws {
        guard let note = try Note.fetchLive(db, id: id) else { throw StoreError.noteNotFound(id) }
        let hlc = tick()
        try db.execute(
            sql: "UPDATE notes SET deleted = 1, updated_at = ?, body_hlc = ? WHERE id = ?",
            arguments: [nowText, hlc.description, id]
        )
        try record(.note, id, op: .delete, baseRevision: note.revision, fields: [:], hlc: hlc)
        // A note the server never saw leaves nothing behind once its create is dropped.
        if note.revision == 0,
           try !db.exists("outbox WHERE entity = 'note' AND entity_id = ?", [id])
        {
            try db.execute(sql: "DELETE FROM notes WHERE id = ?", arguments: [id])
        }
    }
}
