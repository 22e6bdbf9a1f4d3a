export { epsilonFromOutputs, minMaxNormalise, scoreOfConstantFirstOutput, type EpsilonScore } from './epsilon.ts'
export { nanMeanFloat32, pairwiseSumFloat32 } from './float32-sum.ts'
