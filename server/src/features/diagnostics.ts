// Findings as LSP diagnostics: the finding on the file itself, and a hint on
// the `mod` line that brings a copy into its crate.
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import type { Diagnostic } from 'vscode-languageserver/node';
import { documentationUrl } from '../core/source/assets';
import type { Finding, Severity } from '../core/model';

export const SOURCE = 'rust-consolidate';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export const uriOf = (file: string): string => pathToFileURL(file).href;

/**
 * A related location's label with the path in it: the editor shows only the
 * file's name beside it, which for a copy is the current file's own name.
 */
function label(message: string, file: string, display: (file: string) => string): string {
  const shown = display(file);
  return message.includes(shown) ? message : `${message}: ${shown}`;
}

/** `refusal`: why the finding's fix is not offered, said in the message, where the user reads it (hover, Problems). */
export function toDiagnostic(finding: Finding, refusal?: string, display: (file: string) => string = (f) => f): Diagnostic {
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    code: finding.code,
    codeDescription: { href: documentationUrl(finding.code) },
    source: SOURCE,
    message: refusal ? `${finding.message}\nNot fixable automatically: ${refusal}` : finding.message,
    relatedInformation: finding.related.map((r) => ({
      location: { uri: uriOf(r.file), range: r.range },
      message: label(r.message, r.file, display),
    })),
    data: { file: finding.file },
  };
}

/** The hint on `mod x;` for a copied module x, pointing at the copy's own finding. */
export function declarationHint(finding: Finding, display: (file: string) => string): Diagnostic | undefined {
  const copyName = display(finding.file);
  if (!finding.declaration) return undefined;
  return {
    range: finding.declaration.range,
    severity: DiagnosticSeverity.Hint,
    code: finding.code,
    codeDescription: { href: documentationUrl(finding.code) },
    source: SOURCE,
    message: `\`mod\` of a copied module (${copyName}): ${finding.message}`,
    relatedInformation: [
      { location: { uri: uriOf(finding.file), range: finding.range }, message: `the copy: ${copyName}` },
      ...finding.related.map((r) => ({ location: { uri: uriOf(r.file), range: r.range }, message: label(r.message, r.file, display) })),
    ],
    data: { file: finding.file },
  };
}
