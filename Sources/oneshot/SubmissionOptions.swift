import ArgumentParser
import Foundation
import Verl

/// Where `launch --submit` and `submit` send a run, and how they reach a Ray cluster.
struct SubmissionOptions: ParsableArguments {
    enum Kind: String, ExpressibleByArgument, CaseIterable { case local, ray, slurm }

    @Option(help: "The Ray dashboard, e.g. http://HEAD:8265 (with ray).")
    var address: String?

    @Option(help: "A file holding the Ray cluster's token (clusters with RAY_AUTH_MODE=token; else $RAY_AUTH_TOKEN).")
    var tokenFile: String?

    /// The target for `kind`, its address checked (a bad address is a bad flag, found before anything is recorded).
    func target(_ kind: Kind) throws -> SubmissionTarget {
        switch kind {
        case .local: return .local
        case .slurm: return .slurm
        case .ray:
            guard let address else { throw ValidationError("ray needs --address http://HEAD:8265 (the Ray dashboard)") }
            do {
                let url = try RayJobsClient.validate(address: address)
                let file = tokenFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
                if let file { _ = try RayJobsClient.token(file: file) }
                return .ray(address: url, tokenFile: file)
            } catch let error as RayError {
                throw ValidationError("--address/--token-file: \(error.description)")
            }
        }
    }
}
