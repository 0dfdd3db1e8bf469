import ArgumentParser
import Selection

extension ScoreKind: ExpressibleByArgument {}
extension TieOrder: ExpressibleByArgument {}

/// The ranking flags `rank` and `select` share.
struct RankingOptionGroup: ParsableArguments {
    @Option(help: "Score: variance (the paper's), limr, learnability or random.")
    var by: ScoreKind = .variance

    @Option(help: "Ties: source (the history's order, as the paper) or index.")
    var ties: TieOrder = .source

    @Option(help: "Seed of the random score.")
    var seed: UInt64 = 0

    @Flag(help: "Drop histories that are all 0 or all 1 (DAPO's rule).")
    var dropConstant = false

    @Option(help: "Keep histories whose mean accuracy is within LO,HI (e.g. 0.2,0.8).")
    var band: String?

    @Option(help: "Drop histories with fewer epochs.")
    var minEpochs: Int = 0

    func rankingOptions() throws -> RankingOptions {
        var range: ClosedRange<Double>?
        if let band {
            let parts = band.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, parts[0] <= parts[1] else { throw ValidationError("--band takes LO,HI with LO <= HI, got '\(band)'") }
            range = parts[0]...parts[1]
        }
        return RankingOptions(score: by, ties: ties, seed: seed, dropConstant: dropConstant, band: range, minEpochs: minEpochs)
    }
}
