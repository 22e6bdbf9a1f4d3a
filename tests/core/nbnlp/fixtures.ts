/** The benchmark's example cells (search_space.py get_example_recepie), verbatim. */
export const RNN = {
  f: { op: 'linear', input: ['x', 'h_prev_0'] },
  h_new_0: { op: 'activation_tanh', input: ['f'] },
}

export const LSTM = {
  i: { op: 'linear', input: ['x', 'h_prev_0'] },
  i_act: { op: 'activation_tanh', input: ['i'] },
  j: { op: 'linear', input: ['x', 'h_prev_0'] },
  j_act: { op: 'activation_sigm', input: ['j'] },
  f: { op: 'linear', input: ['x', 'h_prev_0'] },
  f_act: { op: 'activation_sigm', input: ['f'] },
  o: { op: 'linear', input: ['x', 'h_prev_0'] },
  o_act: { op: 'activation_tanh', input: ['o'] },
  h_new_1_part1: { op: 'elementwise_prod', input: ['f_act', 'h_prev_1'] },
  h_new_1_part2: { op: 'elementwise_prod', input: ['i_act', 'j_act'] },
  h_new_1: { op: 'elementwise_sum', input: ['h_new_1_part1', 'h_new_1_part2'] },
  h_new_1_act: { op: 'activation_tanh', input: ['h_new_1'] },
  h_new_0: { op: 'elementwise_prod', input: ['h_new_1_act', 'o_act'] },
}

export const GRU = {
  r: { op: 'linear', input: ['x', 'h_prev_0'] },
  r_act: { op: 'activation_sigm', input: ['r'] },
  z: { op: 'linear', input: ['x', 'h_prev_0'] },
  z_act: { op: 'activation_sigm', input: ['z'] },
  rh: { op: 'elementwise_prod', input: ['r_act', 'h_prev_0'] },
  h_tilde: { op: 'linear', input: ['x', 'rh'] },
  h_tilde_act: { op: 'activation_tanh', input: ['h_tilde'] },
  h_new_0: { op: 'blend', input: ['z_act', 'h_prev_0', 'h_tilde_act'] },
}

/** A real WikiText-2 training-log recepie (recepie_id 1012124): h_new_1 reads h_new_0 of the same step. */
export const LOGGED = {
  node_0: { op: 'elementwise_prod', input: ['h_prev_0', 'h_prev_2'] },
  node_1: { op: 'linear', input: ['h_prev_0', 'h_prev_1'] },
  node_2: { op: 'activation_leaky_relu', input: ['node_1'] },
  node_3: { op: 'elementwise_prod', input: ['node_0', 'h_prev_2'] },
  node_8: { op: 'linear', input: ['h_prev_2', 'h_prev_0'] },
  node_9: { op: 'activation_tanh', input: ['node_8'] },
  node_12: { op: 'linear', input: ['node_9', 'x'] },
  h_new_0: { op: 'activation_tanh', input: ['node_12'] },
  h_new_1: { op: 'linear', input: ['h_new_0', 'x'] },
  h_new_2: { op: 'elementwise_prod', input: ['node_3', 'node_2'] },
}
