import Corpus
import Foundation
import Store

/// The quarantine folder beside the store: one file per dataset and source holding its rejected rows,
/// verbatim, one per line, so they can be fixed and imported again.
struct Quarantine {
    let directory: String

    init(storePath: String) {
        directory = (storePath as NSString).deletingPathExtension + ".quarantine"
    }

    /// Writes the rejected rows of `dataset` that came from `path` to `<directory>/<dataset>.<file>.rejected`.
    func write(store: Store, dataset: String, path: String) throws {
        guard let record = try store.dataset(named: dataset) else { return }
        let rows = try store.rejectedRows(datasetID: record.id).filter { $0.path == path }
        guard !rows.isEmpty else { return }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let name = "\(dataset).\((path as NSString).lastPathComponent).rejected"
        var data = Data()
        for row in rows {
            data.append(contentsOf: row.row.raw.filter { $0 != 0x0A })
            data.append(0x0A)
        }
        try data.write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(name)))
    }
}
