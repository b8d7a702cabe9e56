// Findings as LSP diagnostics: the finding on the file itself, and a hint on
// the `mod` line that brings a copy into its crate.
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver/node';
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

/** `refusal`: why the finding's fix is not offered, said in the message, where the user reads it (hover, Problems). */
export function toDiagnostic(finding: Finding, refusal?: string): Diagnostic {
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    code: finding.code,
    codeDescription: { href: documentationUrl(finding.code) },
    source: SOURCE,
    message: refusal ? `${finding.message}\nNot fixable automatically: ${refusal}` : finding.message,
    relatedInformation: finding.related.map((r) => ({
      location: { uri: uriOf(r.file), range: r.range },
      message: r.message,
    })),
    data: { file: finding.file },
  };
}

/** The hint on `mod x;` for a copied module x, pointing at the copy's own finding. */
export function declarationHint(finding: Finding, copyName: string): Diagnostic | undefined {
  if (!finding.declaration) return undefined;
  return {
    range: finding.declaration.range,
    severity: DiagnosticSeverity.Hint,
    code: finding.code,
    codeDescription: { href: documentationUrl(finding.code) },
    source: SOURCE,
    message: `\`mod\` of a copied module (${copyName}): ${finding.message}`,
    tags: finding.code === 'duplicate-file' ? [DiagnosticTag.Unnecessary] : undefined,
    relatedInformation: [
      { location: { uri: uriOf(finding.file), range: finding.range }, message: 'the copy' },
      ...finding.related.map((r) => ({ location: { uri: uriOf(r.file), range: r.range }, message: r.message })),
    ],
    data: { file: finding.file },
  };
}
