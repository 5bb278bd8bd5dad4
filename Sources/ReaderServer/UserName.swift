/// What a user's name may be, on every storage engine: 1 to 64 characters, none of them
/// whitespace or a control character, so it reads as one word on a command line and in a log.
package enum UserName {
    /// Throws the sentence a person sees when `name` breaks the rule.
    package static func check(_ name: String) throws(RepositoryError) {
        guard !name.isEmpty, name.count <= 64,
              name.unicodeScalars.allSatisfy({ !$0.properties.isWhitespace && $0.value >= 0x20 && $0.value != 0x7F })
        else {
            throw RepositoryError("a user name is 1 to 64 characters without spaces or control characters")
        }
    }
}
