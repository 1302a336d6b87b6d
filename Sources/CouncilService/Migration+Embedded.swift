import CouncilDatabase
import Logging

extension Migration {
    /// The migrations compiled into this binary from `sql/` (by the EmbedResources plugin).
    package static let embedded: [Migration] = {
        let migrations = EmbeddedResources.migrationFiles.map { file, sql in
            // The build embeds only files it has named; a malformed name is a build-time bug.
            try! Migration(file: file, sql: sql)
        }
        return migrations.sorted { $0.version < $1.version }
    }()
}

extension Migrator {
    /// The migrator of this binary's own migrations.
    package init(logger: Logger) {
        self.init(migrations: Migration.embedded, logger: logger)
    }
}
