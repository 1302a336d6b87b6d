import CouncilDatabase
import Hummingbird

/// Liveness and readiness probes.
struct HealthRoutes: Sendable {
    let pool: DatabasePool
    let state: ServerState
    let latestMigration: Int

    func live(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        try .json(["status": "live"])
    }

    /// Ready when not draining, the database answers, and every migration of this binary is applied.
    func ready(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        if state.isDraining {
            throw Problem(
                .shuttingDown, Reason("the daemon is draining in-flight requests before it stops", ja: "停止の前に処理中の要求を終えているところです"))
        }
        let applied: Int
        do {
            applied = try await pool.withConnection { connection in
                try connection.query(
                    Query(
                        "health.migrationVersion",
                        """
                        SELECT coalesce(max(version), 0) AS version FROM schema_migrations
                        """)
                ).single().decode("version")
            }
        } catch let error as DatabaseError where error.sqlState == "42P01" {
            applied = 0  // no ledger yet: nothing migrated
        }
        guard applied >= latestMigration else {
            throw Problem(
                .notMigrated,
                Reason(
                    "the database is at migration \(applied), this binary needs \(latestMigration); run `council db migrate`",
                    ja: "データベースは移行\(applied)までで、このプログラムには\(latestMigration)が必要です。`council db migrate` を実行してください"))
        }
        return try .json(["status": "ready"])
    }
}
