import Foundation
import LoopbackHTTP
import Testing

/// The tests' way of running a program: exit status or signal, output to a pipe or a file,
/// the environment it is given, no descriptor of the test process but 0, 1 and 2, and a
/// child reaped once however many threads ask.
@Suite struct ChildProcessTests {
    static let shell = URL(fileURLWithPath: "/bin/sh")

    @Test func reportsTheExitStatusOrTheSignalThatEndedTheChild() async throws {
        #expect(try await ChildProcess.run(Self.shell, ["-c", "exit 3"]).termination == .exited(3))
        #expect(try await ChildProcess.run(URL(fileURLWithPath: "/bin/true")).status == 0)

        let sleeper = try ChildProcess(URL(fileURLWithPath: "/bin/sleep"), ["60"])
        #expect(sleeper.isRunning)
        sleeper.signal(SIGTERM)
        #expect(await sleeper.waitForExit() == .signalled(SIGTERM))
        #expect(sleeper.wait().status == 128 + SIGTERM)

        let killed = try ChildProcess(Self.shell, ["-c", "kill -KILL $$"])
        #expect(await killed.waitForExit() == .signalled(SIGKILL))
    }

    @Test func capturesStandardOutputAndErrorApartOrTogether() async throws {
        let apart = try await ChildProcess.run(Self.shell, ["-c", "echo out; echo err >&2; exit 1"])
        #expect(apart.stdout == "out\n" && apart.stderr == "err\n" && apart.status == 1)

        let folder = try TestFolder.make("child-output")
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("log").path
        let together = try ChildProcess(Self.shell, ["-c", "echo one; echo two >&2; echo three"], stdout: .file(log), stderr: .standardOutput)
        #expect(together.wait() == .exited(0))
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "one\ntwo\nthree\n")

        let lines = try ChildProcess(Self.shell, ["-c", "echo first; echo second; printf last"], stdout: .pipe)
        #expect(lines.readLine() == "first" && lines.readLine() == "second" && lines.readLine() == "last")
        #expect(lines.readLine() == nil)
        #expect(lines.wait() == .exited(0))
    }

    @Test func feedsStandardInputFromAPipeOrAString() async throws {
        let cat = try ChildProcess(URL(fileURLWithPath: "/bin/cat"), stdin: .pipe, stdout: .pipe)
        try cat.write("through the pipe\n")
        cat.closeInput()
        #expect(String(decoding: cat.readToEnd(), as: UTF8.self) == "through the pipe\n")
        #expect(await cat.waitForExit() == .exited(0))

        let given = try await ChildProcess.run(URL(fileURLWithPath: "/bin/cat"), input: "from a string")
        #expect(given.stdout == "from a string")
        // No input: /dev/null, which reads as end of file at once.
        #expect(try await ChildProcess.run(URL(fileURLWithPath: "/bin/cat")).stdout.isEmpty)
    }

    @Test func passesTheGivenEnvironmentAndWorkingDirectoryOnly() async throws {
        let environment = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), environment: ["ONLY": "this one"])
        #expect(environment.stdout == "ONLY=this one\n")
        setenv("READER_CHILD_PROCESS_TEST", "inherited", 1)
        let inherited = try await ChildProcess.run(Self.shell, ["-c", "echo $READER_CHILD_PROCESS_TEST"])
        #expect(inherited.stdout == "inherited\n")

        let folder = try TestFolder.make("child-directory")
        defer { try? FileManager.default.removeItem(at: folder) }
        let there = try await ChildProcess.run(URL(fileURLWithPath: "/bin/pwd"), directory: folder)
        #expect(there.stdout == folder.resolvingSymlinksInPath().path + "\n")
    }

    @Test func theChildInheritsNoDescriptorButTheStandardThree() async throws {
        // A descriptor without close-on-exec, as a library might leave one, high up (the
        // lowest free one from 200: dup2 onto a fixed number would close whatever another
        // test has open there).
        let leaked = open("/dev/null", O_RDONLY)
        try #require(leaked >= 0)
        let high = fcntl(leaked, F_DUPFD, 200)
        close(leaked)
        defer { close(high) }
        try #require(high >= 200)
        let pipes = try ChildProcess(Self.shell, ["-c", "cat >/dev/null"], stdin: .pipe, stdout: .pipe, stderr: .pipe)
        defer { pipes.closeInput() }

        // ls lists its own directory descriptor too: 3, the lowest free one.
        let listed = try await ChildProcess.run(URL(fileURLWithPath: "/bin/ls"), ["/proc/self/fd"])
        let descriptors = Set(listed.stdout.split(separator: "\n").compactMap { Int32($0) })
        #expect(descriptors == [0, 1, 2, 3], "\(listed.stdout)")
    }

    @Test func isReapedOnceHoweverManyThreadsWaitAndPoll() async throws {
        let child = try ChildProcess(Self.shell, ["-c", "exit 7"])
        let answers = await withTaskGroup(of: ChildProcess.Termination?.self) { group in
            for index in 0..<8 {
                group.addTask { index.isMultiple(of: 2) ? await child.waitForExit() : child.ended }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.compactMap { $0 }.allSatisfy { $0 == .exited(7) })
        #expect(child.wait() == .exited(7) && child.ended == .exited(7) && !child.isRunning)
        // Reaped: no signal goes to whatever process has the pid now.
        child.signal(SIGKILL)
        #expect(child.wait() == .exited(7))
    }

    @Test func aChildThatOutlivesItsTimeoutIsKilledAndThatThrows() async throws {
        await #expect(throws: ChildProcess.Failure.self) {
            try await ChildProcess.run(URL(fileURLWithPath: "/bin/sleep"), ["60"], timeout: .milliseconds(200))
        }
    }

    @Test func aProgramThatCannotStartThrowsSayingWhich() {
        #expect {
            try ChildProcess(URL(fileURLWithPath: "/nonexistent/program"))
        } throws: { error in
            "\(error)".contains("cannot start /nonexistent/program")
        }
    }
}
