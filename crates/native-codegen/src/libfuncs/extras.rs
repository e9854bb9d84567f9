//! Libfuncs with little to do natively: gas reserves (a u128 taken from the gas counter and given
//! back), coupons (zero-sized tokens; their gas is counted statically, like every cost) and
//! coupon calls, and the Starknet address types' constants and conversions (felts below 2^251).

use cairo_lang_sierra::extensions::coupon::CouponConcreteLibfunc;
use cairo_lang_sierra::extensions::function_call::SignatureAndFunctionConcreteLibfunc;
use cairo_lang_sierra::extensions::gas_reserve::GasReserveConcreteLibfunc;
use cairo_lang_sierra::extensions::starknet::StarknetConcreteLibfunc;
use melior::dialect::arith::{self, CmpiPredicate};
use melior::dialect::llvm;
use num_bigint::BigInt;

use super::unsupported;
use crate::error::Result;
use crate::helper::Invocation;

/// Builds `gas_reserve_create` and `gas_reserve_utilize`.
pub fn build_gas_reserve(
    invocation: &Invocation<'_, '_, '_>,
    selector: &GasReserveConcreteLibfunc,
) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let location = invocation.location();
    let u128_type = cx.int_type(128);
    let counter_type = cx.int_type(64);
    match selector {
        GasReserveConcreteLibfunc::Create(_) => {
            // (rc, gas, amount): branch 0 with the amount taken from the gas, else branch 1.
            let range_check = invocation.input(0)?;
            let gas = invocation.input(1)?;
            let amount = invocation.input(2)?;
            let wide_gas = invocation.push(arith::extui(gas, u128_type, location))?;
            let enough = invocation.push(arith::cmpi(
                cx.context,
                CmpiPredicate::Uge,
                wide_gas,
                amount,
                location,
            ))?;
            let rest = invocation.push(arith::subi(wide_gas, amount, location))?;
            let rest = invocation.push(arith::trunci(rest, counter_type, location))?;
            invocation.cond_br(
                block,
                enough,
                (0, &[range_check, rest, amount]),
                (1, &[range_check, gas]),
            )
        }
        GasReserveConcreteLibfunc::Utilize(_) => {
            let reserve =
                invocation.push(arith::trunci(invocation.input(1)?, counter_type, location))?;
            let gas = invocation.push(arith::addi(invocation.input(0)?, reserve, location))?;
            invocation.br(block, 0, &[gas])
        }
    }
}

/// Builds `coupon_buy` and `coupon_refund`.
pub fn build_coupon(
    invocation: &Invocation<'_, '_, '_>,
    selector: &CouponConcreteLibfunc,
) -> Result<()> {
    match selector {
        CouponConcreteLibfunc::Buy(_) => {
            let ty = invocation.cx.ty(invocation.result_type(0, 0)?)?;
            let coupon = invocation.push(llvm::undef(ty, invocation.location()))?;
            invocation.br(&invocation.block, 0, &[coupon])
        }
        CouponConcreteLibfunc::Refund(_) => invocation.br(&invocation.block, 0, &[]),
    }
}

/// Builds `coupon_call<f>(args…, coupon)`: a call of `f` with its arguments (already paid for).
pub fn build_coupon_call(
    invocation: &Invocation<'_, '_, '_>,
    info: &SignatureAndFunctionConcreteLibfunc,
) -> Result<()> {
    let args = &invocation.inputs[..invocation.inputs.len().saturating_sub(1)];
    super::function_call::call(invocation, info, args)
}

/// Builds the Starknet address libfuncs (the syscalls are not compiled).
pub fn build_starknet(
    invocation: &Invocation<'_, '_, '_>,
    selector: &StarknetConcreteLibfunc,
) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let location = invocation.location();
    let felt = cx.int_type(256);
    let felt_const = |c: &BigInt| -> Result<()> {
        let value = invocation.constant(felt, super::felt252::felt_constant(c))?;
        invocation.br(block, 0, &[value])
    };
    match selector {
        StarknetConcreteLibfunc::ClassHashConst(info) => felt_const(&info.c),
        StarknetConcreteLibfunc::ContractAddressConst(info) => felt_const(&info.c),
        StarknetConcreteLibfunc::StorageBaseAddressConst(info) => felt_const(&info.c),
        StarknetConcreteLibfunc::ClassHashToFelt252(_)
        | StarknetConcreteLibfunc::ContractAddressToFelt252(_)
        | StarknetConcreteLibfunc::StorageAddressToFelt252(_)
        | StarknetConcreteLibfunc::StorageAddressFromBase(_) => {
            invocation.br(block, 0, &invocation.inputs)
        }
        StarknetConcreteLibfunc::ClassHashTryFromFelt252(_)
        | StarknetConcreteLibfunc::ContractAddressTryFromFelt252(_)
        | StarknetConcreteLibfunc::StorageAddressTryFromFelt252(_) => {
            // (rc, felt): branch 0 when below 2^251.
            let range_check = invocation.input(0)?;
            let value = invocation.input(1)?;
            let limit = invocation.constant(felt, BigInt::from(1) << 251)?;
            let fits = invocation.push(arith::cmpi(
                cx.context,
                CmpiPredicate::Ult,
                value,
                limit,
                location,
            ))?;
            invocation.cond_br(block, fits, (0, &[range_check, value]), (1, &[range_check]))
        }
        StarknetConcreteLibfunc::StorageBaseAddressFromFelt252(_) => {
            // (rc, felt) -> (rc, felt mod (2^251 - 256))
            let modulus = invocation.constant(felt, (BigInt::from(1) << 251) - 256)?;
            let reduced = invocation.push(arith::remui(invocation.input(1)?, modulus, location))?;
            invocation.br(block, 0, &[invocation.input(0)?, reduced])
        }
        StarknetConcreteLibfunc::StorageAddressFromBaseAndOffset(_) => {
            let offset = invocation.push(arith::extui(invocation.input(1)?, felt, location))?;
            let address = invocation.push(arith::addi(invocation.input(0)?, offset, location))?;
            invocation.br(block, 0, &[address])
        }
        _ => super::syscalls::build(invocation, selector).unwrap_or_else(|| Err(unsupported())),
    }
}
