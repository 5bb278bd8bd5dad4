// The entry point: `ReaderServerCommand` parses the arguments and maps failures to one line.
await ReaderServerCommand.start()
