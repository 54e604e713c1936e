// 加入购物车 and 立即购买, shared by the plan page (选修课, 选课确认), 购物车 and 我的订单: the
// calls, which one is running, and why one failed (the service's Chinese message).
import { ref } from "vue";
import { useRouter } from "vue-router";

import { api, messageOf, ok } from "@/api/client";

import type { Cart, CartGroup, Order } from "./billing";

/** The page where an order is paid. */
export function payPath(orderNo: string): string {
  return `/orders/${encodeURIComponent(orderNo)}/pay`;
}

/** The result page the browser is sent to after paying. */
export function resultPath(orderNo: string): string {
  return `/orders/${encodeURIComponent(orderNo)}/result`;
}

export function fetchCart(): Promise<Cart> {
  return ok(api.GET("/api/v1/me/cart"));
}

/** The courses of `planId` in the cart (0 stands for the plan's flat fee). */
export function cartKeysOf(cart: Cart | null, planId: number | null | undefined): Set<number> {
  const keys = new Set<number>();
  const group: CartGroup | undefined = cart?.groups?.find((g) => g.plan_id === planId);
  if (!group) return keys;
  if (group.lines) {
    for (const line of group.lines) keys.add(line.course_id ?? 0);
  } else if (group.course_ids?.length) {
    for (const id of group.course_ids) keys.add(id);
  } else {
    keys.add(0);
  }
  return keys;
}

/** usePurchase's busy key while adding `courseId` (null: the plan's fee) to the cart. */
export function addKey(planId: number, courseId: number | null): string {
  return `add:${planId}:${courseId ?? 0}`;
}

/** usePurchase's busy key while ordering `courseIds` of the plan (none: its fee). */
export function buyKey(planId: number, courseIds: readonly number[]): string {
  return `buy:${planId}:${courseIds.join(",")}`;
}

export function usePurchase() {
  const router = useRouter();
  /** What is running (addKey / buyKey), or null. */
  const busy = ref<string | null>(null);
  const error = ref<string | null>(null);

  /** 加入购物车: an elective of the plan, or (courseId null) a plan's flat fee. */
  async function add(planId: number, courseId: number | null): Promise<Cart | undefined> {
    busy.value = addKey(planId, courseId);
    error.value = null;
    try {
      return await ok(api.POST("/api/v1/me/cart/items",
        { body: { plan_id: planId, course_id: courseId } }));
    } catch (err) {
      error.value = messageOf(err);
      return undefined;
    } finally {
      busy.value = null;
    }
  }

  /** 立即购买 / 去结算: an order at this moment's prices, then its payment page. */
  async function buy(planId: number, courseIds: number[]): Promise<Order | undefined> {
    busy.value = buyKey(planId, courseIds);
    error.value = null;
    try {
      const order = await ok(api.POST("/api/v1/me/orders",
        { body: { plan_id: planId, course_ids: courseIds } }));
      if (order.order_no) await router.push(payPath(order.order_no));
      return order;
    } catch (err) {
      error.value = messageOf(err);
      return undefined;
    } finally {
      busy.value = null;
    }
  }

  return { busy, error, add, buy };
}
