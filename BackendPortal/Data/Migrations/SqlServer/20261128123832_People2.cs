using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackendPortal.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class People2 : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PeopleStamps",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false),
                    Version = table.Column<Guid>(type: "uniqueidentifier", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PeopleStamps", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "PeopleStamps",
                columns: new[] { "Id", "Version" },
                values: new object[] { 1, new Guid("00000000-0000-0000-0000-000000000000") });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PeopleStamps");
        }
    }
}
