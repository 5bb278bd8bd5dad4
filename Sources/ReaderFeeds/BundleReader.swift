import ReaderModels

/// Reads a plain-text bundle: articles pasted one after another, as people paste news digests.
///
/// An article's head is a title line, optionally a one-line standfirst, then a byline
/// (`By NAME`) and/or a `Source: NAME` line, in either order, with or without blank lines
/// between them. The body is the lines after the head, up to the next head. Heads are found
/// by their marker lines (see ``BundleLine``), so a subheading inside a body never starts an
/// article; the title is the nearest line above the markers, unless that line ends with a full
/// stop and the one above it does not, in which case the two are title and standfirst.
///
/// The file is read line by line and at most one article is held. Each article is keyed by
/// its title (`title:` + the title in lower case), so importing an edited copy updates the
/// articles it already holds instead of duplicating them.
struct BundleReader {
    let path: String

    func read(_ each: (ArticleDraft) throws -> Void) throws {
        var lines = try LineReader(path: path)
        var assembler = BundleAssembler(file: path)
        try lines.forEach { bytes, number in
            guard let line = BundleLine(bytes) else {
                throw FeedImportError(file: path, line: number, reason: "the text is not valid UTF-8 (save the file as UTF-8)")
            }
            try assembler.add(line, number: number, each)
        }
        try assembler.finish(each)
    }
}

/// The state of a bundle being read: the head of the article in progress and the text lines
/// since it, whose last one or two may turn out to be the next article's title and standfirst.
struct BundleAssembler {
    private struct TextLine {
        var text: String
        var number: Int
        var blankBefore: Bool
    }

    private struct Head {
        var title: TextLine
        var standfirst: String?
        var author: String?
        var source: String?
    }

    let file: String
    private var lines: [TextLine] = []
    private var head: Head?
    /// Whether the last non-blank line was a marker, so another marker joins the same head.
    private var inHead = false
    private var blankBefore = false

    init(file: String) {
        self.file = file
    }

    mutating func add(_ line: BundleLine, number: Int, _ each: (ArticleDraft) throws -> Void) throws {
        switch line {
        case .blank:
            blankBefore = true
            return
        case .text(let text):
            inHead = false
            lines.append(TextLine(text: text, number: number, blankBefore: blankBefore))
            // At most a title and a standfirst may precede the first head.
            if head == nil, lines.count > 2 { throw preamble(lines[0]) }
        case .byline(let name, let marker):
            if !inHead { try startHead(marker: "byline \"\(marker)\"", number: number, each) }
            let author = head?.author.map { $0 + ", " + name } ?? name
            head?.author = author
        case .source(let name, let marker):
            if !inHead { try startHead(marker: "source line \"\(marker)\"", number: number, each) }
            if head?.source != nil {
                throw FeedImportError(file: file, line: number, reason: "\(marker) is a second Source line for the same article")
            }
            head?.source = name
        }
        blankBefore = false
    }

    /// Emits the last article; an error when there was none.
    mutating func finish(_ each: (ArticleDraft) throws -> Void) throws {
        if let head {
            try each(draft(head, body: lines, next: "the end of the file"))
        } else if let first = lines.first {
            throw FeedImportError(
                file: file, line: first.number,
                reason: "no articles found: \(Self.quoted(first.text)) is not followed by a \"By NAME\" or "
                    + "\"Source: NAME\" line (each article needs one under its title)"
            )
        } else {
            throw FeedImportError(file: file, reason: "the file has no articles (it is empty)")
        }
    }

    /// A marker line outside a head starts a new one: takes its title (and standfirst) from
    /// the lines above and emits the article they ended.
    private mutating func startHead(marker: String, number: Int, _ each: (ArticleDraft) throws -> Void) throws {
        guard var title = lines.popLast() else {
            throw FeedImportError(file: file, line: number, reason: "\(marker) has no title above it")
        }
        var standfirst: String?
        if BundleLine.endsWithFullStop(title.text), let above = lines.last, !BundleLine.endsWithFullStop(above.text) {
            standfirst = title.text
            title = lines.removeLast()
        }
        if let head {
            try each(draft(head, body: lines, next: "the next article (line \(title.number))"))
        } else if let first = lines.first {
            throw preamble(first)
        }
        lines.removeAll(keepingCapacity: true)
        head = Head(title: title, standfirst: standfirst)
        inHead = true
    }

    private func preamble(_ line: TextLine) -> FeedImportError {
        FeedImportError(
            file: file, line: line.number,
            reason: "\(Self.quoted(line.text)) comes before the first article (each article starts with a title "
                + "followed by a \"By NAME\" or \"Source: NAME\" line)"
        )
    }

    /// Body paragraphs are runs of lines separated by blank lines when the body has any,
    /// otherwise single lines. Within a run, a line after one that looks like a subheading
    /// (short, no closing punctuation) starts a new paragraph, so a subheading written
    /// directly above its paragraph is not run into it.
    private func draft(_ head: Head, body: [TextLine], next: String) throws -> ArticleDraft {
        guard !body.isEmpty else {
            throw FeedImportError(
                file: file, line: head.title.number,
                reason: "article \(Self.quoted(head.title.text)) has no body before \(next)"
            )
        }
        var paragraphs: [String]
        if body.dropFirst().contains(where: \.blankBefore) {
            paragraphs = []
            var current: [String] = []
            for line in body {
                if !current.isEmpty, line.blankBefore || Self.looksLikeSubheading(current[current.count - 1]) {
                    paragraphs.append(current.joined(separator: " "))
                    current = []
                }
                current.append(line.text)
            }
            paragraphs.append(current.joined(separator: " "))
        } else {
            paragraphs = body.map(\.text)
        }
        let sourceName = head.source ?? ""
        return ArticleDraft(
            source: SourceDraft(key: "bundle:" + sourceName, title: head.source ?? "Pasted articles", kind: .bundle),
            guid: "title:" + head.title.text.lowercased(),
            title: head.title.text, author: head.author, summary: head.standfirst,
            html: HTMLText.html(paragraphs: paragraphs), text: paragraphs.joined(separator: "\n\n"),
            line: head.title.number
        )
    }

    /// True for a line that reads as a subheading: under 50 characters and not ending with
    /// sentence punctuation or a closing quote (a hard-wrapped line is longer).
    static func looksLikeSubheading(_ line: String) -> Bool {
        guard line.count < 50, let last = line.last else { return false }
        return !".!?…:;,\"”’)]".contains(last)
    }

    /// Text for an error message, in quotes and cut short.
    private static func quoted(_ text: String) -> String {
        "\"" + PlainText.shortened(text, limit: 60) + "\""
    }
}
