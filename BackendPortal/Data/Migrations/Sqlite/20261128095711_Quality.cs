using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackendPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Quality : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "FlakyTests",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ServiceId = table.Column<int>(type: "INTEGER", nullable: false),
                    Suite = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    TestKey = table.Column<long>(type: "INTEGER", nullable: false),
                    ClassName = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    IsFlaky = table.Column<bool>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Flips = table.Column<int>(type: "INTEGER", nullable: false),
                    Window = table.Column<int>(type: "INTEGER", nullable: false),
                    FlipRate = table.Column<double>(type: "REAL", nullable: false),
                    FirstSeenAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSeenAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Quarantined = table.Column<bool>(type: "INTEGER", nullable: false),
                    QuarantineNote = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    QuarantinedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    QuarantinedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FlakyTests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FlakyTests_Services_ServiceId",
                        column: x => x.ServiceId,
                        principalTable: "Services",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IdempotencyKeys",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Completed = table.Column<bool>(type: "INTEGER", nullable: false),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: false),
                    ResponseJson = table.Column<string>(type: "TEXT", nullable: true),
                    Location = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdempotencyKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LoadTestBudgets",
                columns: table => new
                {
                    ServiceId = table.Column<int>(type: "INTEGER", nullable: false),
                    P95Ms = table.Column<double>(type: "REAL", nullable: true),
                    MaxErrorRate = table.Column<double>(type: "REAL", nullable: true),
                    MinRps = table.Column<double>(type: "REAL", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LoadTestBudgets", x => x.ServiceId);
                    table.ForeignKey(
                        name: "FK_LoadTestBudgets_Services_ServiceId",
                        column: x => x.ServiceId,
                        principalTable: "Services",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "LoadTestRuns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ServiceId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Commit = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Shape = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    AvgMs = table.Column<double>(type: "REAL", nullable: true),
                    MinMs = table.Column<double>(type: "REAL", nullable: true),
                    MedMs = table.Column<double>(type: "REAL", nullable: true),
                    MaxMs = table.Column<double>(type: "REAL", nullable: true),
                    P90Ms = table.Column<double>(type: "REAL", nullable: true),
                    P95Ms = table.Column<double>(type: "REAL", nullable: true),
                    P99Ms = table.Column<double>(type: "REAL", nullable: true),
                    Requests = table.Column<long>(type: "INTEGER", nullable: true),
                    Rps = table.Column<double>(type: "REAL", nullable: true),
                    ErrorRate = table.Column<double>(type: "REAL", nullable: true),
                    ChecksPassRate = table.Column<double>(type: "REAL", nullable: true),
                    Iterations = table.Column<long>(type: "INTEGER", nullable: true),
                    VusMax = table.Column<long>(type: "INTEGER", nullable: true),
                    ThresholdsJson = table.Column<string>(type: "TEXT", nullable: false),
                    Passed = table.Column<bool>(type: "INTEGER", nullable: false),
                    ReasonsJson = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LoadTestRuns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LoadTestRuns_Services_ServiceId",
                        column: x => x.ServiceId,
                        principalTable: "Services",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TestRuns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ServiceId = table.Column<int>(type: "INTEGER", nullable: false),
                    Suite = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Commit = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Branch = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    BuildUrl = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Format = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    FileCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Total = table.Column<int>(type: "INTEGER", nullable: false),
                    Passed = table.Column<int>(type: "INTEGER", nullable: false),
                    Failed = table.Column<int>(type: "INTEGER", nullable: false),
                    Errors = table.Column<int>(type: "INTEGER", nullable: false),
                    Skipped = table.Column<int>(type: "INTEGER", nullable: false),
                    DurationMs = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TestRuns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TestRuns_Services_ServiceId",
                        column: x => x.ServiceId,
                        principalTable: "Services",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TestResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RunId = table.Column<long>(type: "INTEGER", nullable: false),
                    ServiceId = table.Column<int>(type: "INTEGER", nullable: false),
                    TestKey = table.Column<long>(type: "INTEGER", nullable: false),
                    ClassName = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Outcome = table.Column<byte>(type: "INTEGER", nullable: false),
                    DurationMs = table.Column<double>(type: "REAL", nullable: false),
                    FlakyInRun = table.Column<bool>(type: "INTEGER", nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Details = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TestResults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TestResults_TestRuns_RunId",
                        column: x => x.RunId,
                        principalTable: "TestRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_FlakyTests_ServiceId_IsFlaky",
                table: "FlakyTests",
                columns: new[] { "ServiceId", "IsFlaky" });

            migrationBuilder.CreateIndex(
                name: "IX_FlakyTests_ServiceId_TestKey",
                table: "FlakyTests",
                columns: new[] { "ServiceId", "TestKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IdempotencyKeys_ExpiresAt",
                table: "IdempotencyKeys",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_IdempotencyKeys_Scope_Key",
                table: "IdempotencyKeys",
                columns: new[] { "Scope", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_LoadTestRuns_ServiceId_Id",
                table: "LoadTestRuns",
                columns: new[] { "ServiceId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_TestResults_RunId_Outcome",
                table: "TestResults",
                columns: new[] { "RunId", "Outcome" });

            migrationBuilder.CreateIndex(
                name: "IX_TestResults_ServiceId_TestKey_RunId",
                table: "TestResults",
                columns: new[] { "ServiceId", "TestKey", "RunId" });

            migrationBuilder.CreateIndex(
                name: "IX_TestRuns_ServiceId_Id",
                table: "TestRuns",
                columns: new[] { "ServiceId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_TestRuns_ServiceId_Suite_Id",
                table: "TestRuns",
                columns: new[] { "ServiceId", "Suite", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FlakyTests");

            migrationBuilder.DropTable(
                name: "IdempotencyKeys");

            migrationBuilder.DropTable(
                name: "LoadTestBudgets");

            migrationBuilder.DropTable(
                name: "LoadTestRuns");

            migrationBuilder.DropTable(
                name: "TestResults");

            migrationBuilder.DropTable(
                name: "TestRuns");
        }
    }
}
