import { clip, hardSigmoid, hardSwish, leakyRelu, relu, sigmoid, tanh } from './activation';
import { conv } from './conv';
import { add, div, mul, sub, sum } from './elementwise';
import { concat, passThrough, reshapeLike, transpose } from './layout';
import { gemm, matMul } from './linear';
import { batchNormalization } from './normalization';
import { pad } from './pad';
import { averagePool, globalAveragePool, globalMaxPool, maxPool } from './pool';
import { reduceMean, reduceSum } from './reduce';
import type { GradientRule } from './rule';
import { logSoftmax, softmax } from './softmax';

/** The operators the gradient graph goes through (default ONNX domain), by op_type. */
export const GRADIENT_RULES: ReadonlyMap<string, GradientRule> = new Map<string, GradientRule>([
  ['Conv', conv],
  ['Gemm', gemm],
  ['MatMul', matMul],
  ['Add', add],
  ['Sub', sub],
  ['Mul', mul],
  ['Div', div],
  ['Sum', sum],
  ['Relu', relu],
  ['LeakyRelu', leakyRelu],
  ['Clip', clip],
  ['Sigmoid', sigmoid],
  ['Tanh', tanh],
  ['HardSigmoid', hardSigmoid],
  ['HardSwish', hardSwish],
  ['Softmax', softmax],
  ['LogSoftmax', logSoftmax],
  ['MaxPool', maxPool],
  ['AveragePool', averagePool],
  ['GlobalAveragePool', globalAveragePool],
  ['GlobalMaxPool', globalMaxPool],
  ['BatchNormalization', batchNormalization],
  ['Flatten', reshapeLike],
  ['Reshape', reshapeLike],
  ['Squeeze', reshapeLike],
  ['Unsqueeze', reshapeLike],
  ['Transpose', transpose],
  ['Concat', concat],
  ['Pad', pad],
  ['ReduceMean', reduceMean],
  ['ReduceSum', reduceSum],
  ['Dropout', passThrough],
  ['Identity', passThrough],
  ['Cast', passThrough],
]);

export const SUPPORTED_OPERATORS: readonly string[] = [...GRADIENT_RULES.keys(), 'Constant'].sort();
