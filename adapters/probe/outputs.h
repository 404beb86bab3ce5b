// The probe's outputs, one writer each (issue 13): the terminal summary,
// Markdown, JSON and JUnit XML. Each reads a finished Run_Result.
#pragma once

#include <ostream>
#include <string>

#include "adapters/probe/results.h"

namespace annexo::probe {

void write_terminal_summary(const Run_Result& run, std::ostream& out);
void write_markdown(const Run_Result& run, std::ostream& out);
void write_json(const Run_Result& run, std::ostream& out);
void write_junit(const Run_Result& run, std::ostream& out);

// Writes probe-report.md, probe-report.json and probe-junit.xml into `dir`.
// False with `error` set when a file cannot be written.
bool write_report_files(const Run_Result& run, const std::string& dir, std::string& error);

}  // namespace annexo::probe
