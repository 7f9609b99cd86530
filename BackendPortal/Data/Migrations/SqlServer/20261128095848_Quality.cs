using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackendPortal.Data.Migrations.SqlServer
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
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ServiceId = table.Column<int>(type: "int", nullable: false),
                    Suite = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    TestKey = table.Column<long>(type: "bigint", nullable: false),
                    ClassName = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false),
                    Name = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    IsFlaky = table.Column<bool>(type: "bit", nullable: false),
                    Reason = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false),
                    Flips = table.Column<int>(type: "int", nullable: false),
                    Window = table.Column<int>(type: "int", nullable: false),
                    FlipRate = table.Column<double>(type: "float", nullable: false),
                    FirstSeenAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    LastSeenAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Quarantined = table.Column<bool>(type: "bit", nullable: false),
                    QuarantineNote = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    QuarantinedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    QuarantinedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    Version = table.Column<Guid>(type: "uniqueidentifier", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Scope = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Key = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: false),
                    Fingerprint = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Completed = table.Column<bool>(type: "bit", nullable: false),
                    StatusCode = table.Column<int>(type: "int", nullable: false),
                    ResponseJson = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    Location = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdempotencyKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LoadTestBudgets",
                columns: table => new
                {
                    ServiceId = table.Column<int>(type: "int", nullable: false),
                    P95Ms = table.Column<double>(type: "float", nullable: true),
                    MaxErrorRate = table.Column<double>(type: "float", nullable: true),
                    MinRps = table.Column<double>(type: "float", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    UpdatedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ServiceId = table.Column<int>(type: "int", nullable: false),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Commit = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    Shape = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    AvgMs = table.Column<double>(type: "float", nullable: true),
                    MinMs = table.Column<double>(type: "float", nullable: true),
                    MedMs = table.Column<double>(type: "float", nullable: true),
                    MaxMs = table.Column<double>(type: "float", nullable: true),
                    P90Ms = table.Column<double>(type: "float", nullable: true),
                    P95Ms = table.Column<double>(type: "float", nullable: true),
                    P99Ms = table.Column<double>(type: "float", nullable: true),
                    Requests = table.Column<long>(type: "bigint", nullable: true),
                    Rps = table.Column<double>(type: "float", nullable: true),
                    ErrorRate = table.Column<double>(type: "float", nullable: true),
                    ChecksPassRate = table.Column<double>(type: "float", nullable: true),
                    Iterations = table.Column<long>(type: "bigint", nullable: true),
                    VusMax = table.Column<long>(type: "bigint", nullable: true),
                    ThresholdsJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Passed = table.Column<bool>(type: "bit", nullable: false),
                    ReasonsJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    CreatedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ServiceId = table.Column<int>(type: "int", nullable: false),
                    Suite = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Commit = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    Branch = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    BuildUrl = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    Format = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    FileCount = table.Column<int>(type: "int", nullable: false),
                    Total = table.Column<int>(type: "int", nullable: false),
                    Passed = table.Column<int>(type: "int", nullable: false),
                    Failed = table.Column<int>(type: "int", nullable: false),
                    Errors = table.Column<int>(type: "int", nullable: false),
                    Skipped = table.Column<int>(type: "int", nullable: false),
                    DurationMs = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    CreatedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    RunId = table.Column<long>(type: "bigint", nullable: false),
                    ServiceId = table.Column<int>(type: "int", nullable: false),
                    TestKey = table.Column<long>(type: "bigint", nullable: false),
                    ClassName = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false),
                    Name = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    Outcome = table.Column<byte>(type: "tinyint", nullable: false),
                    DurationMs = table.Column<double>(type: "float", nullable: false),
                    FlakyInRun = table.Column<bool>(type: "bit", nullable: false),
                    Message = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    Details = table.Column<string>(type: "nvarchar(max)", maxLength: 8000, nullable: true)
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
