import ArgumentParser
import Foundation
import JSON
import Store

/// `oneshot runs`: every run in the store, with its state and what it recorded.
struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the runs (probes, trainings, evaluations; built-in, verl, imported) and their state.")

    @OptionGroup var options: StoreOptions

    mutating func run() throws {
        let store = try options.open()
        var rows: [JSONValue] = []
        if !options.json { print("run                  engine   purpose  state     steps  evaluations  started") }
        for r in try store.runs() {
            let steps = try store.stepMetrics(runID: r.id).count, evaluations = try store.evaluations(runID: r.id).count
            if options.json {
                rows.append(.object(JSONObject(["name": .string(r.name), "engine": .string(r.engine), "purpose": .string(r.purpose.rawValue),
                                                "status": .string(r.shownState), "steps": .int(Int64(steps)),
                                                "evaluations": .int(Int64(evaluations)), "started_at": .string(r.startedAt),
                                                "ended_at": r.endedAt.map(JSONValue.string) ?? .null])))
            } else {
                print(r.name.padding(toLength: 20, withPad: " ", startingAt: 0) + " " + r.engine.padding(toLength: 8, withPad: " ", startingAt: 0)
                      + " " + r.purpose.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + " " + r.shownState.padding(toLength: 9, withPad: " ", startingAt: 0)
                      + String(format: " %5d  %11d  ", steps, evaluations) + r.startedAt)
            }
        }
        if options.json { printJSON(.array(rows)) }
    }
}
