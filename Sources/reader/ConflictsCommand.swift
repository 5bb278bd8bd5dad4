import ArgumentParser
import ReaderStore

struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "Notes that hold two versions of their text after a sync.",
        discussion: "Edit the note (`reader notes resolve NOTE_ID TEXT`) to settle it."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let store = try store.open()
        let notes = try store.notes(conflictedOnly: true)
        if output.json { return try Output.json(["notes": notes]) }
        if notes.isEmpty { return print("no conflicted notes") }
        for note in notes {
            print("note \(note.id) on article \(note.articleID), revision \(note.revision):")
            print(note.body)
            print("")
        }
    }
}
