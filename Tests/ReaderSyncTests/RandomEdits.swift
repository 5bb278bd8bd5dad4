import Foundation
import ReaderModels
import ReaderStore

/// Random offline edits of one device, drawn from a seeded generator: notes added, edited
/// (lines added, changed, removed) and deleted; articles marked read, starred, given
/// progress and tags.
enum RandomEdits {
    static let words = ["tide", "harbour", "lamp", "ferry", "comet", "ledger", "moss", "quay", "orbit", "kelp", "signal", "bell"]

    static func line(_ rng: inout SeededGenerator) -> String {
        (0..<Int.random(in: 2...5, using: &rng)).map { _ in words.randomElement(using: &rng) ?? "word" }.joined(separator: " ")
            + " \(Int.random(in: 0..<1000, using: &rng))"
    }

    /// Makes one random edit; returns a description for failure messages.
    @discardableResult
    static func apply(to store: ReaderStore, articleIDs: [String], using rng: inout SeededGenerator) throws -> String {
        let notes = try store.notes()
        let article = articleIDs.randomElement(using: &rng) ?? ""
        switch Int.random(in: 0..<10, using: &rng) {
        case 0, 1:
            let body = (0..<Int.random(in: 1...3, using: &rng)).map { _ in line(&rng) }.joined(separator: "\n")
            let note = try store.addNote(articleID: article, body: body)
            return "add note \(note.id)"
        case 2, 3, 4:
            guard let note = notes.randomElement(using: &rng) else { return "no note to edit" }
            var lines = note.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: lines.insert(line(&rng), at: Int.random(in: 0...lines.count, using: &rng))
            case 1: lines[Int.random(in: 0..<lines.count, using: &rng)] = line(&rng)
            default: if lines.count > 1 { lines.remove(at: Int.random(in: 0..<lines.count, using: &rng)) } else { lines.append(line(&rng)) }
            }
            try store.editNote(id: note.id, body: lines.joined(separator: "\n"))
            return "edit note \(note.id)"
        case 5:
            guard let note = notes.randomElement(using: &rng) else { return "no note to delete" }
            try store.deleteNote(id: note.id)
            return "delete note \(note.id)"
        case 6:
            try store.markRead([article], Bool.random(using: &rng))
            return "mark read \(article)"
        case 7:
            try store.markStarred([article], Bool.random(using: &rng))
            return "star \(article)"
        case 8:
            try store.apply(.setProgress(articleID: article, progress: Double(Int.random(in: 0...10, using: &rng)) / 10))
            return "progress \(article)"
        default:
            let tags = Array(words.shuffled(using: &rng).prefix(Int.random(in: 0...2, using: &rng)))
            try store.apply(.setTags(articleID: article, tags: tags))
            return "tags \(article)"
        }
    }
}
