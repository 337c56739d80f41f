// Fuzzing harness for papersite's readers and renderers.
//
// Fuzz with libFuzzer (see CONTRIBUTING.md, "Fuzzing"):
//   swift build --product papersite-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING --scratch-path .build-fuzz
//   PAPERSITE_FUZZ_TARGET=paper .build-fuzz/debug/papersite-fuzz -max_total_time=60 corpus-dir/
// Without -DFUZZING it is a replayer: `papersite-fuzz TARGET FILE...`
// runs the target on saved inputs (crash reproducers included).
import Foundation
import PapersiteCore

#if FUZZING
private let target: String = ProcessInfo.processInfo.environment["PAPERSITE_FUZZ_TARGET"] ?? "paper"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    FuzzTargets.run(target, Data(bytes: bytes, count: count))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

// SwiftPM links an executable's entry point under this name; it hands
// control to libFuzzer's driver.
@_cdecl("papersite_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, fuzzOneInput)
}
#else
@main
struct Replay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let target = arguments.first, FuzzTargets.names.contains(target) else {
            print("usage: papersite-fuzz TARGET FILE...  (targets: \(FuzzTargets.names.joined(separator: ", ")))")
            exit(2)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("cannot read \(path)")
                exit(2)
            }
            FuzzTargets.run(target, data)
        }
        print("replayed \(arguments.count - 1) input(s) through \(target)")
    }
}
#endif
