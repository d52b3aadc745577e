package graph

import (
	"context"

	"github.com/puente-kg/puente/graph/model"
	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/service"
)

// changeConnection turns a page of the change log into its connection.
// The end cursor is the page's (see service.ChangePage.End), never null.
func changeConnection(page *service.ChangePage, after *string) *model.ChangeConnection {
	end := kg.ChangeCursor(page.End)
	info := &model.PageInfo{HasNextPage: page.HasNext, HasPreviousPage: str(after) != "", EndCursor: &end}
	if len(page.Changes) > 0 {
		start := kg.ChangeCursor(page.Changes[0].Seq)
		info.StartCursor = &start
	}
	return &model.ChangeConnection{Nodes: model.Changes(page.Changes), PageInfo: info}
}

// history answers Entity.history for every kind of entity.
func (r *Resolver) history(ctx context.Context, id string, first *int, after *string) (*model.ChangeConnection, error) {
	n, err := model.ListSize(first)
	if err != nil {
		return nil, err
	}
	page, err := r.Service.History(ctx, id, str(after), n)
	if err != nil {
		return nil, err
	}
	return changeConnection(page, after), nil
}
