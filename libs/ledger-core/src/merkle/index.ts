// The RFC 9162 Merkle tree of the ledger: hashing, the append-only accumulator, proof plans for
// stores, in-memory proofs and verification.
export {
  LEAF_PREFIX,
  NODE_PREFIX,
  RFC9162_SHA256,
  SM3_TREE_HASHER,
  treeHasher,
} from './tree-hasher.js';
export type { TreeHasher, TreeHashName } from './tree-hasher.js';
export { MerkleAccumulator } from './accumulator.js';
export type { NodeVisitor } from './accumulator.js';
export { consistencyPlan, inclusionPlan } from './proof-plan.js';
export type { EphemeralNode, NodeId, ProofPlan } from './proof-plan.js';
export { consistencyProof, inclusionProof, rootFromLeafHashes } from './leaf-list.js';
export { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify.js';
export { ProofError, ProofErrorCode } from './proof.error.js';
