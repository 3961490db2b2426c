package dev.warden.verifier.check.smt;

import com.microsoft.z3.BitVecExpr;

/** A register's (or a tracked stack slot's) term and how to read it. */
record Sym(Sig sig, BitVecExpr term) {}
