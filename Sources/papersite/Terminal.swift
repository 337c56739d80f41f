import Foundation
import PapersiteCore

enum Terminal {
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static var isInteractive: Bool { isatty(STDERR_FILENO) == 1 }

    /// The process's peak resident memory in MiB (Linux: VmHWM), for `--timings`.
    static var peakMemory: Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return nil }
        return kb / 1024
    }

    /// A folder given on the command line, relative to the working folder.
    static func folder(_ path: String) -> URL {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        return URL(fileURLWithPath: path, isDirectory: true, relativeTo: cwd).standardizedFileURL
    }

    /// KaTeX's files, when PAPERSITE_KATEX_DIR says where they are.
    static var katexDirectory: URL? {
        ProcessInfo.processInfo.environment["PAPERSITE_KATEX_DIR"].map { URL(fileURLWithPath: $0, isDirectory: true) }
    }

    /// "1 paper", "3 papers", "4,840 papers".
    static func plural(_ n: Int, _ word: String) -> String { "\(grouped(n)) \(word)\(n == 1 ? "" : "s")" }

    /// 4840 → "4,840".
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// " (6 skipped, 12 repaired: see warnings)" when records from other
    /// tools were skipped or repaired, else nothing.
    static func tally(_ diagnostics: [Diagnostic]) -> String {
        let records = RecordTally(diagnostics)
        guard records.skipped + records.repaired > 0 else { return "" }
        return " (\(grouped(records.skipped)) skipped, \(grouped(records.repaired)) repaired: see warnings)"
    }

    static let warningLimit = 20

    /// Warnings, the first `warningLimit` unless `all`, then a count of the rest.
    /// Every error, then the warnings (the first ones, unless `all`): a
    /// broken record must not scroll away under a bibliography's warnings.
    static func printProblems(_ diagnostics: [Diagnostic], all: Bool) {
        for error in diagnostics where error.severity == .error { printError(error.description) }
        printWarnings(diagnostics.filter { $0.severity != .error }, all: all)
    }

    static func printWarnings(_ warnings: [Diagnostic], all: Bool) {
        let shown = all ? warnings : Array(warnings.prefix(warningLimit))
        for warning in shown { printError(warning.description) }
        if shown.count < warnings.count {
            printError("papersite: \(warnings.count - shown.count) more warnings (--verbose prints them all)")
        }
    }

    /// Progress on standard error, on a terminal only: the stage, and
    /// where there is a count (pages written, records imported) a bar with
    /// the rate and the time left. Quiet for the first half second (a small site shows nothing)
    /// and at most ten updates a second; the line is erased at the end.
    final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private let start = DispatchTime.now().uptimeNanoseconds
        /// Nanoseconds of quiet at the start (PAPERSITE_PROGRESS_DELAY in seconds, for tests).
        private let delay = UInt64((Double(ProcessInfo.processInfo.environment["PAPERSITE_PROGRESS_DELAY"] ?? "") ?? 0.5) * 1e9)
        private var stageStart = DispatchTime.now().uptimeNanoseconds
        private var lastDraw: UInt64 = 0
        private var stage = ""
        private var shown = false
        private var finished = false

        func update(_ name: String, _ done: Int, _ total: Int) {
            lock.withLock {
                let now = DispatchTime.now().uptimeNanoseconds
                if name != stage { stage = name; stageStart = now; lastDraw = 0 }
                guard !finished, now - start >= delay, now - lastDraw > 100_000_000 || done == total && total > 0 else { return }
                lastDraw = now
                var line = "\r\u{1B}[K" + name
                if total > 0 {
                    let width = 24, filled = width * done / total
                    let elapsed = Double(now - stageStart) / 1e9
                    let rate = elapsed > 0 ? Double(done) / elapsed : 0
                    let left = rate > 0 ? Double(total - done) / rate : 0
                    line += " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
                    line += " \(done)/\(total)"
                    if done > 0 && rate > 0 { line += ", \(Int(rate))/s, " + (left >= 1 ? "about \(Int(left.rounded())) s left" : "finishing") }
                } else {
                    line += "…"
                }
                FileHandle.standardError.write(Data(line.utf8))
                shown = true
            }
        }

        func finish() {
            lock.withLock {
                if shown && !finished { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                finished = true
            }
        }
    }
}
