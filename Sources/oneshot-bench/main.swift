// Benchmark driver for `make bench`: times library work that no single oneshot command isolates.
//
//   oneshot-bench parquet-read FILE REPEAT   read every row of FILE into memory REPEAT times
//
// Prints one JSON object: the seconds of each repetition and the rows read.
import Foundation
import JSON
import Parquet

let arguments = CommandLine.arguments
guard arguments.count == 4, arguments[1] == "parquet-read", let repeats = Int(arguments[3]), repeats > 0 else {
    FileHandle.standardError.write(Data("usage: oneshot-bench parquet-read FILE REPEAT\n".utf8))
    exit(2)
}
var seconds: [Double] = []
var rows = 0
for _ in 0..<repeats {
    let start = ContinuousClock.now
    var all: [JSONValue] = []
    let file = try ParquetFile(path: arguments[2])
    for group in file.metadata.rowGroups.indices { all += try file.rows(rowGroup: group) }
    let d = ContinuousClock.now - start
    seconds.append(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    rows = all.count
}
print(JSONValue.object(JSONObject(["rows": .int(Int64(rows)), "seconds": .array(seconds.map(JSONValue.double))])).serialized)
