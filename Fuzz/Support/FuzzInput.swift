/// What every harness does with libFuzzer's input, compiled into each of them.
enum FuzzInput {
    /// The input as an array of bytes.
    static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The input cut at each `separator` into exactly `count` parts (missing ones are empty,
    /// later separators stay in the last part), so one input can carry several texts.
    static func parts(_ bytes: [UInt8], separator: UInt8, count: Int) -> [ArraySlice<UInt8>] {
        var parts = Array(bytes.split(separator: separator, maxSplits: count - 1, omittingEmptySubsequences: false))
        while parts.count < count { parts.append([]) }
        return parts
    }
}

/// Stops the run on a broken property: the trap makes libFuzzer keep the input as a crash.
func violated(_ property: @autoclosure () -> String) -> Never {
    fatalError("property violated: \(property())")
}
