// Customers: one search box that finds a customer by name, kana, email, phone or id, and each
// customer's profile with consents, points, coupons, segments, predictions and history
// (/customers/:externalId). Owners and marketers only (main.tsx): it is personal data.
import { Route, Routes } from "react-router";
import "./Customers.css";
import { CustomerProfile } from "./customers/CustomerProfile";
import { CustomerSearch } from "./customers/CustomerSearch";

export function Customers() {
  return (
    <Routes>
      <Route index element={<CustomerSearch />} />
      <Route path=":externalId" element={<CustomerProfile />} />
    </Routes>
  );
}
