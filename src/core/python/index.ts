export { scanPython, type AnalysisTarget, type Normalization, type PythonHint, type PythonScan } from './analysisTargets';
export { suggestedFix, type TextFix } from './suggestedFix';
