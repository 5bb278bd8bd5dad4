/// libxml2's error codes, which `XMLParser` passes on unchanged, put into words.
///
/// The codes are libxml2's `xmlParserErrors`, not `XMLParser.ErrorCode`, whose cases are
/// numbered differently from the 22nd on.
enum XMLParseFailure {
    private static let documentStart = 3, documentEmpty = 4, documentEnd = 5, invalidCharacter = 9
    private static let entityWithoutName = 22, entityWithoutSemicolon = 23, undeclaredEntity = 26
    private static let unknownEncoding = 31, unsupportedEncoding = 32, lessThanInAttribute = 38
    private static let attributeNotStarted = 39, attributeNotFinished = 40, attributeWithoutValue = 41
    private static let attributeRedefined = 42, commentNotFinished = 45, cdataNotFinished = 63
    private static let reservedXMLName = 64, nameRequired = 68, greaterThanRequired = 73
    private static let lessThanSlashRequired = 74, tagNameMismatch = 76, tagNotFinished = 77
    private static let invalidEncoding = 81, notWellBalanced = 85, extraContent = 86, entityLoop = 89

    /// Whether an error stops the import. Warnings and namespace errors (an undeclared
    /// prefix such as `media:` is common in real feeds) do not: the parser recovers from them
    /// and the feed still reads as intended.
    static func isFatal(_ code: Int) -> Bool {
        switch code {
        case 27, 93, 97...102, 106, 107: false  // XML_WAR_*: warnings
        case 200...299: false  // XML_NS_ERR_*: namespace errors
        case 500...799: false  // XML_DTD_*: validity, which feeds do not promise
        default: true
        }
    }

    /// The element that was open when the parser stopped: its name and the line it started on.
    struct OpenElement {
        var name: String
        var line: Int
    }

    /// A reason for error `code`, using what the reader knows about where it stopped.
    static func reason(code: Int, innermost: OpenElement?, sawRoot: Bool) -> String {
        switch code {
        case documentEmpty, documentStart:
            return "the file is empty or is not XML"
        case documentEnd, tagNotFinished:
            if let innermost { return "unexpected end of file: <\(innermost.name)> from line \(innermost.line) is never closed" }
            return sawRoot ? "extra content after the end of the document" : "the file is empty or is not XML"
        case tagNameMismatch, notWellBalanced:
            guard let innermost else { return "mismatched tag" }
            return "mismatched tag: <\(innermost.name)> from line \(innermost.line) is closed by a different end tag"
        case extraContent:
            return "extra content after the end of the document"
        case undeclaredEntity:
            return "undefined entity such as &nbsp; (XML knows only &amp; &lt; &gt; &quot; &apos; and numeric ones like &#160;)"
        case entityWithoutName, entityWithoutSemicolon, nameRequired:
            return "a bare & that does not start an entity (write it as &amp;)"
        case invalidCharacter, invalidEncoding, unknownEncoding, unsupportedEncoding:
            return "invalid character: the text is not valid in its declared encoding, or holds a control character"
        case lessThanInAttribute:
            return "a < inside an attribute value (write it as &lt;)"
        case attributeNotStarted, attributeNotFinished:
            return "an attribute value is not in quotes"
        case attributeWithoutValue:
            return "an attribute has no value"
        case attributeRedefined:
            return "an attribute appears twice in one tag"
        case greaterThanRequired, lessThanSlashRequired:
            return "a tag is not closed with >"
        case cdataNotFinished:
            return "unexpected end of file inside a CDATA section"
        case commentNotFinished:
            return "unexpected end of file inside a comment"
        case reservedXMLName:
            return "the <?xml ...?> declaration must be at the very start of the file"
        case entityLoop:
            return "an entity refers to itself"
        default:
            return "malformed XML (libxml2 error \(code))"
        }
    }
}
