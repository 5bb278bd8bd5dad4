import ArgumentParser
import Foundation
import ReaderModels
import ReaderStore

struct NotesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notes",
        abstract: "Add, list, edit, remove and export reading notes.",
        subcommands: [Add.self, List.self, Edit.self, Resolve.self, Remove.self, Export.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add a note to an article; prints the new note's id."
        )

        @OptionGroup var store: StoreOptions
        @Argument(help: "The article's id (or a unique prefix).") var articleID: String
        @Argument(help: "The note's text.") var text: String
        @Option(help: "A passage of the article the note is about; it must be in the article.") var quote: String?

        func run() throws {
            let store = try store.open()
            let note = try store.addNote(articleID: store.resolveArticleID(articleID), body: text, quote: quote)
            print(note.id)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List notes, oldest first."
        )

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only the notes of this article.") var article: String?

        func run() throws {
            let store = try store.open()
            let notes = try store.notes(articleID: article.map(store.resolveArticleID))
            if output.json { return try Output.json(["notes": notes]) }
            if notes.isEmpty { return print("no notes") }
            for note in notes {
                let quote = note.anchor.map { "“\(Output.fit($0.exact, 40).trimmingCharacters(in: .whitespaces))” " } ?? ""
                let flag = note.conflicted ? " [conflicted]" : ""
                print("\(Output.short(note.id))  \(Output.short(note.articleID))  \(Output.day(note.updatedAt))  \(quote)\(Output.fit(note.body, 60).trimmingCharacters(in: .whitespaces))\(flag)")
            }
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit", abstract: "Replace a note's text."
        )

        @OptionGroup var store: StoreOptions
        @Argument(help: "The note's id (or a unique prefix).") var noteID: String
        @Argument(help: "The new text.") var text: String

        func run() throws {
            let store = try store.open()
            let note = try store.editNote(id: store.resolveNoteID(noteID), body: text)
            print("edited note \(note.id)")
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resolve",
            abstract: "Settle a conflicted note with the text it should keep.",
            discussion: "`reader conflicts` lists conflicted notes with both versions of their text."
        )

        @OptionGroup var store: StoreOptions
        @Argument(help: "The note's id (or a unique prefix).") var noteID: String
        @Argument(help: "The text the note keeps.") var text: String

        func run() throws {
            let store = try store.open()
            let id = try store.resolveNoteID(noteID)
            let wasConflicted = try store.note(id: id).conflicted
            try store.editNote(id: id, body: text)
            print(wasConflicted ? "resolved note \(id)" : "note \(id) was not conflicted; its text is replaced")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete a note.")

        @OptionGroup var store: StoreOptions
        @Argument(help: "The note's id (or a unique prefix).") var noteID: String

        func run() throws {
            let store = try store.open()
            let id = try store.resolveNoteID(noteID)
            try store.deleteNote(id: id)
            print("deleted note \(id)")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export", abstract: "Export notes as Markdown or JSON."
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case markdown, json }

        @OptionGroup var store: StoreOptions
        @Option(help: "markdown or json.") var format: Format = .markdown

        func run() throws {
            let store = try store.open()
            switch format {
            case .markdown: print(try store.notesMarkdown(), terminator: "")
            case .json: try Output.json(["notes": try store.notes()])
            }
        }
    }
}
