//! What a libfunc builder gets: its inputs, its branches' targets, and small helpers for the
//! operations every family needs (constants, memory, calls to generated helper functions).

use std::cell::RefCell;
use std::collections::HashSet;

use cairo_lang_sierra::ids::ConcreteTypeId;
use cairo_lang_sierra::program::StatementIdx;
use melior::dialect::{arith, cf, llvm};
use melior::ir::attribute::{DenseI32ArrayAttribute, IntegerAttribute, TypeAttribute};
use melior::ir::block::BlockLike;
use melior::ir::r#type::IntegerType;
use melior::ir::{
    Attribute, Block, BlockRef, Location, Module, Operation, Region, RegionLike, Type, Value,
    ValueLike,
};
use melior::Context;

use crate::error::{NativeError, Result};
use crate::metadata::gas::GasMetadata;
use crate::Registry;

/// Program-wide state of one compilation.
pub(crate) struct CodegenContext<'c, 'r> {
    pub context: &'c Context,
    pub module: &'r Module<'c>,
    pub registry: &'r Registry,
    pub gas: &'r GasMetadata,
    /// What each statement uses of each builtin: the amounts its branches add to the counters.
    pub builtin_usage: &'r crate::metadata::builtin_usage::BuiltinUsage,
    /// Names of helper functions (drop, clone, felt inverse, …) already emitted.
    pub emitted: RefCell<HashSet<String>>,
    /// Each libfunc's declared name (`felt252_add`, `enum_init<…>`), for error messages.
    pub libfunc_names: &'r std::collections::HashMap<u64, String>,
    /// Each Sierra function's index, by function id.
    pub function_indices: &'r std::collections::HashMap<u64, usize>,
}

impl<'c> CodegenContext<'c, '_> {
    pub fn location(&self) -> Location<'c> {
        Location::unknown(self.context)
    }

    pub fn ty(&self, ty: &ConcreteTypeId) -> Result<Type<'c>> {
        crate::types::build(self.context, self.registry, ty)
    }

    pub fn int_type(&self, bits: u32) -> Type<'c> {
        IntegerType::new(self.context, bits).into()
    }

    pub fn ptr_type(&self) -> Type<'c> {
        llvm::r#type::pointer(self.context, 0)
    }

    /// Marks helper `name` as emitted; returns whether it was new.
    pub fn first_emission(&self, name: &str) -> bool {
        self.emitted.borrow_mut().insert(name.to_owned())
    }
}

/// Appends `operation` and returns its single result.
pub(crate) fn push<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    block: &B,
    operation: Operation<'c>,
) -> Result<Value<'c, 'a>> {
    Ok(block.append_operation(operation).result(0)?.into())
}

/// Tells LLVM that the i1 `condition` holds (`llvm.intr.assume`): a fact the code guarantees
/// but LLVM cannot derive, which lets it fold comparisons that depend on it.
pub(crate) fn assume<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    context: &'c Context,
    block: &B,
    condition: Value<'c, '_>,
) -> Result<()> {
    block.append_operation(
        melior::ir::operation::OperationBuilder::new(
            "llvm.intr.assume",
            Location::unknown(context),
        )
        .add_attributes(&[(
            melior::ir::Identifier::new(context, "op_bundle_sizes"),
            DenseI32ArrayAttribute::new(context, &[]).into(),
        )])
        .add_operands(&[condition])
        .build()?,
    );
    Ok(())
}

/// A constant integer of any width, from its decimal text.
pub(crate) fn const_int<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    context: &'c Context,
    block: &B,
    ty: Type<'c>,
    value: impl std::fmt::Display,
) -> Result<Value<'c, 'a>> {
    let text = format!("{value} : {ty}");
    let attribute = Attribute::parse(context, &text)
        .ok_or_else(|| NativeError::Mlir(format!("bad constant {text}")))?;
    push(
        block,
        arith::constant(context, attribute, Location::unknown(context)),
    )
}

/// Loads a `ty` from `ptr + offset` bytes.
pub(crate) fn load_at<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    context: &'c Context,
    block: &B,
    ptr: Value<'c, '_>,
    offset: usize,
    ty: Type<'c>,
) -> Result<Value<'c, 'a>> {
    let location = Location::unknown(context);
    let address = byte_offset(context, block, ptr, offset)?;
    push(
        block,
        llvm::load(context, address, ty, location, Default::default()),
    )
}

/// Stores `value` at `ptr + offset` bytes.
pub(crate) fn store_at<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    context: &'c Context,
    block: &B,
    ptr: Value<'c, '_>,
    offset: usize,
    value: Value<'c, '_>,
) -> Result<()> {
    let location = Location::unknown(context);
    let address = byte_offset(context, block, ptr, offset)?;
    block.append_operation(llvm::store(
        context,
        value,
        address,
        location,
        Default::default(),
    ));
    Ok(())
}

/// `ptr + offset` bytes (the pointer itself for 0).
pub(crate) fn byte_offset<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    context: &'c Context,
    block: &B,
    ptr: Value<'c, '_>,
    offset: usize,
) -> Result<Value<'c, 'a>> {
    let location = Location::unknown(context);
    let offset = i32::try_from(offset)
        .map_err(|_| NativeError::UnsupportedType("a value larger than 2 GiB".to_owned()))?;
    push(
        block,
        llvm::get_element_ptr(
            context,
            ptr,
            DenseI32ArrayAttribute::new(context, &[offset]),
            IntegerType::new(context, 8).into(),
            llvm::r#type::pointer(context, 0),
            location,
        ),
    )
}

/// Where a branch's target block gets each of its arguments.
#[derive(Clone, Copy)]
pub(crate) enum Operand<'c, 'a> {
    /// A variable that lives on, untouched by this statement.
    Kept(Value<'c, 'a>),
    /// The statement's `n`th result on this branch.
    Result(usize),
}

/// A branch of the statement being built: the block it jumps to and that block's arguments.
pub(crate) struct BranchTarget<'c, 'a> {
    pub block: BlockRef<'c, 'a>,
    pub operands: Vec<Operand<'c, 'a>>,
    /// Builtin instances this branch uses: (result index, count) for each builtin result
    /// counter the jump advances.
    pub builtin_uses: Vec<(usize, u64)>,
}

/// One libfunc call being compiled.
pub(crate) struct Invocation<'c, 'a, 'r> {
    pub cx: &'r CodegenContext<'c, 'r>,
    /// The statement's index (gas costs are per statement).
    pub statement: StatementIdx,
    /// The block the statement's code starts in.
    pub block: BlockRef<'c, 'a>,
    /// The function's entry block, where stack slots go.
    pub entry: BlockRef<'c, 'a>,
    pub region: &'a Region<'c>,
    /// The argument values.
    pub inputs: Vec<Value<'c, 'a>>,
    /// The libfunc's parameter types.
    pub param_types: Vec<ConcreteTypeId>,
    /// Each branch's result types.
    pub result_types: Vec<Vec<ConcreteTypeId>>,
    pub branches: Vec<BranchTarget<'c, 'a>>,
    /// For a call of the function being compiled whose results are returned as they are: the
    /// block that restarts the function with new arguments, so the call becomes a jump.
    pub tail_self_call: Option<BlockRef<'c, 'a>>,
    /// For a `felt252_is_zero` of a difference computed on the one path into it: that
    /// difference's operands (see `function::difference`).
    pub tested_difference: Option<crate::function::Difference<'c, 'a>>,
}

impl<'c, 'a> Invocation<'c, 'a, '_> {
    pub fn context(&self) -> &'c Context {
        self.cx.context
    }

    pub fn location(&self) -> Location<'c> {
        self.cx.location()
    }

    pub fn registry(&self) -> &Registry {
        self.cx.registry
    }

    /// The `index`th input.
    pub fn input(&self, index: usize) -> Result<Value<'c, 'a>> {
        self.inputs.get(index).copied().ok_or_else(|| {
            NativeError::InvalidProgram(format!(
                "statement {}: missing argument {index}",
                self.statement.0
            ))
        })
    }

    /// Type of result `index` of branch `branch`.
    pub fn result_type(&self, branch: usize, index: usize) -> Result<&ConcreteTypeId> {
        self.result_types
            .get(branch)
            .and_then(|types| types.get(index))
            .ok_or_else(|| {
                NativeError::InvalidProgram(format!(
                    "statement {}: no result {index} on branch {branch}",
                    self.statement.0
                ))
            })
    }

    /// Type of parameter `index`.
    pub fn param_type(&self, index: usize) -> Result<&ConcreteTypeId> {
        self.param_types.get(index).ok_or_else(|| {
            NativeError::InvalidProgram(format!(
                "statement {}: no parameter {index}",
                self.statement.0
            ))
        })
    }

    /// The operands of the jump to branch `branch` with `results`, each builtin counter among
    /// them advanced (in `block`, before the jump) by what the branch uses.
    fn operands<B: BlockLike<'c, 'a>>(
        &self,
        block: &B,
        branch: usize,
        results: &[Value<'c, 'a>],
    ) -> Result<Vec<Value<'c, 'a>>> {
        let target = self.target(branch)?;
        let result = |index: usize| {
            results.get(index).copied().ok_or_else(|| {
                NativeError::InvalidProgram(format!(
                    "statement {}: branch {branch} has no result {index}",
                    self.statement.0
                ))
            })
        };
        target
            .operands
            .iter()
            .map(|operand| match *operand {
                Operand::Kept(value) => Ok(value),
                Operand::Result(index) => {
                    let value = result(index)?;
                    match target.builtin_uses.iter().find(|(used, _)| *used == index) {
                        Some(&(_, count)) => {
                            let count = const_int(self.context(), block, value.r#type(), count)?;
                            push(block, arith::addi(value, count, self.location()))
                        }
                        None => Ok(value),
                    }
                }
            })
            .collect()
    }

    fn target(&self, branch: usize) -> Result<&BranchTarget<'c, 'a>> {
        self.branches.get(branch).ok_or_else(|| {
            NativeError::InvalidProgram(format!(
                "statement {}: no branch {branch}",
                self.statement.0
            ))
        })
    }

    /// Ends `block` with a jump to branch `branch`, passing `results`.
    pub fn br<B: BlockLike<'c, 'a>>(
        &self,
        block: &B,
        branch: usize,
        results: &[Value<'c, 'a>],
    ) -> Result<()> {
        let operands = self.operands(block, branch, results)?;
        let target = self.target(branch)?;
        block.append_operation(cf::br(&target.block, &operands, self.location()));
        Ok(())
    }

    /// Ends `block` with a jump to branch `on_true` or `on_false` depending on `condition`.
    pub fn cond_br<B: BlockLike<'c, 'a>>(
        &self,
        block: &B,
        condition: Value<'c, '_>,
        on_true: (usize, &[Value<'c, 'a>]),
        on_false: (usize, &[Value<'c, 'a>]),
    ) -> Result<()> {
        let true_operands = self.operands(block, on_true.0, on_true.1)?;
        let false_operands = self.operands(block, on_false.0, on_false.1)?;
        block.append_operation(cf::cond_br(
            self.context(),
            condition,
            &self.target(on_true.0)?.block,
            &self.target(on_false.0)?.block,
            &true_operands,
            &false_operands,
            self.location(),
        ));
        Ok(())
    }

    /// Ends `block` with a jump to the block of branch `flag` (one case per branch).
    pub fn switch<B: BlockLike<'c, 'a>>(
        &self,
        block: &B,
        flag: Value<'c, '_>,
        results: &[Vec<Value<'c, 'a>>],
    ) -> Result<()> {
        let operands = results
            .iter()
            .enumerate()
            .map(|(branch, values)| self.operands(block, branch, values))
            .collect::<Result<Vec<_>>>()?;
        let Some((last_operands, first_operands)) = operands.split_last() else {
            block.append_operation(llvm::unreachable(self.location()));
            return Ok(());
        };
        let last = self.target(operands.len() - 1)?;
        let cases = first_operands
            .iter()
            .enumerate()
            .map(|(branch, values)| {
                Ok((&self.target(branch)?.block as &Block<'c>, values.as_slice()))
            })
            .collect::<Result<Vec<_>>>()?;
        let case_values: Vec<i64> = (0..cases.len() as i64).collect();
        block.append_operation(cf::switch(
            self.context(),
            &case_values,
            flag,
            flag.r#type(),
            (&last.block, last_operands),
            &cases,
            self.location(),
        )?);
        Ok(())
    }

    /// A new block in the function, with arguments of `types`.
    pub fn append_block(&self, types: &[Type<'c>]) -> BlockRef<'c, 'a> {
        let location = self.location();
        let arguments: Vec<_> = types.iter().map(|ty| (*ty, location)).collect();
        self.region.append_block(Block::new(&arguments))
    }

    /// A stack slot for a `ty` (in the entry block, so loops reuse it).
    pub fn alloca(&self, ty: Type<'c>, align: usize) -> Result<Value<'c, 'a>> {
        let context = self.context();
        let location = self.location();
        let terminator = self
            .entry
            .terminator()
            .ok_or_else(|| NativeError::Mlir("entry block without terminator".to_owned()))?;
        let one = self.entry.insert_operation_before(
            terminator,
            arith::constant(
                context,
                IntegerAttribute::new(IntegerType::new(context, 64).into(), 1).into(),
                location,
            ),
        );
        let slot = self.entry.insert_operation_before(
            terminator,
            llvm::alloca(
                context,
                one.result(0)?.into(),
                llvm::r#type::pointer(context, 0),
                location,
                llvm::AllocaOptions::new()
                    .elem_type(Some(TypeAttribute::new(ty)))
                    .align(Some(IntegerAttribute::new(
                        IntegerType::new(context, 64).into(),
                        align as i64,
                    ))),
            ),
        );
        Ok(slot.result(0)?.into())
    }

    /// A stack slot for the Sierra type `ty`.
    pub fn alloca_for(&self, ty: &ConcreteTypeId) -> Result<(Value<'c, 'a>, Type<'c>)> {
        let mlir_type = self.cx.ty(ty)?;
        let layout = crate::types::layout(self.registry(), ty)?;
        Ok((self.alloca(mlir_type, layout.align())?, mlir_type))
    }

    /// A constant of `ty` in the statement's block.
    pub fn constant(&self, ty: Type<'c>, value: impl std::fmt::Display) -> Result<Value<'c, 'a>> {
        const_int(self.context(), &self.block, ty, value)
    }

    /// Appends `operation` to the statement's block and returns its result.
    pub fn push(&self, operation: Operation<'c>) -> Result<Value<'c, 'a>> {
        push(&self.block, operation)
    }
}
