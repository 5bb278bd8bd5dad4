/// Minimal encoders for the four content codings libcurl decodes, writing only stored /
/// raw blocks: enough to prove the decoding path without a compression library.
enum TestEncoders {
    static func gzip(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF]
        out += storedDeflate(data)
        out += littleEndian(crc32(data), bytes: 4)
        out += littleEndian(UInt32(truncatingIfNeeded: data.count), bytes: 4)
        return out
    }

    /// "deflate" as HTTP means it: a zlib stream (RFC 1950).
    static func zlib(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        out += storedDeflate(data)
        let adler = adler32(data)
        out += [UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF), UInt8((adler >> 8) & 0xFF), UInt8(adler & 0xFF)]
        return out
    }

    /// Brotli (RFC 7932) with uncompressed meta-blocks.
    static func brotli(_ data: [UInt8]) -> [UInt8] {
        var writer = BitWriter()
        writer.write(0, bits: 1) // WBITS = 16
        var offset = 0
        while offset < data.count {
            let count = min(32 * 1024, data.count - offset)
            writer.write(0, bits: 1) // ISLAST = 0
            writer.write(0, bits: 2) // MNIBBLES = 4
            writer.write(UInt32(count - 1), bits: 16)
            writer.write(1, bits: 1) // ISUNCOMPRESSED
            writer.alignToByte()
            writer.bytes += data[offset..<offset + count]
            offset += count
        }
        writer.write(1, bits: 1) // ISLAST
        writer.write(1, bits: 1) // ISLASTEMPTY
        writer.alignToByte()
        return writer.bytes
    }

    /// A zstd frame (RFC 8878) of raw blocks.
    static func zstd(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]
        out.append(0xA0) // 4-byte content size, single segment, no checksum
        out += littleEndian(UInt32(data.count), bytes: 4)
        var offset = 0
        repeat {
            let count = min(64 * 1024, data.count - offset)
            let last: UInt32 = offset + count == data.count ? 1 : 0
            out += littleEndian(last | UInt32(count) << 3, bytes: 3) // block type 0: raw
            out += data[offset..<offset + count]
            offset += count
        } while offset < data.count
        return out
    }

    private static func storedDeflate(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var offset = 0
        repeat {
            let count = min(65_535, data.count - offset)
            let final: UInt8 = offset + count == data.count ? 1 : 0
            out.append(final)
            out += littleEndian(UInt32(count), bytes: 2)
            out += littleEndian(UInt32(~UInt16(count)), bytes: 2)
            out += data[offset..<offset + count]
            offset += count
        } while offset < data.count
        return out
    }

    private static func littleEndian(_ value: UInt32, bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8((value >> (8 * UInt32($0))) & 0xFF) }
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }

    private struct BitWriter {
        var bytes: [UInt8] = []
        private var current: UInt8 = 0
        private var used = 0

        mutating func write(_ value: UInt32, bits: Int) {
            for bit in 0..<bits {
                if (value >> UInt32(bit)) & 1 == 1 { current |= 1 << UInt8(used) }
                used += 1
                if used == 8 { flush() }
            }
        }

        mutating func alignToByte() {
            if used > 0 { flush() }
        }

        private mutating func flush() {
            bytes.append(current)
            current = 0
            used = 0
        }
    }
}
