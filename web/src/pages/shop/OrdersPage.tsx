import { PageHeading } from '../../components/PageHeading';

export const OrdersPage = () => <PageHeading>OrdersPage</PageHeading>;
